"""The services behind the pages: what they write, what they refuse, what they record."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from subsidy.models import AuditRecord, City
from subsidy.services.city import city_staff_add
from subsidy.services.reports import Upload, cost_line_add, cost_line_remove, report_submit
from subsidy.services.reviews import application_grant, report_confirm, report_return
from subsidy.workflow import TransitionRefused
from tests.factories import application_make, association_make, clerk_make, program_make, user_make
from tests.subsidy.journeys import PDF, granted, owner_of, reported, submitted

pytestmark = pytest.mark.usefixtures("platform")


@pytest.fixture
def application():
    return application_make(association_make(slug="takeyama"), program_make(2024))


def test_creating_records_every_typed_value(application) -> None:
    [record] = AuditRecord.objects.filter(application=application)
    assert (record.action, record.from_status, record.to_status) == ("create", "draft", "draft")
    assert record.after["representative_name"] == "𠮷田 髙子"
    assert record.after["requested_amount"] == 44_000
    assert record.actor == owner_of(application)


def test_a_returned_report_can_be_corrected_and_sent_again(application) -> None:
    clerk = clerk_make()
    application = reported(application, clerk, paid_setup=27_500)
    application = report_return(
        application=application, user=clerk, reason="6月分の領収書が読めません。"
    )
    assert (application.status, application.return_reason) == (
        "granted",
        "6月分の領収書が読めません。",
    )
    owner = owner_of(application)
    line = application.cost_lines.get(paid_on=date(2024, 6, 25))
    cost_line_remove(line=line, user=owner)
    cost_line_add(
        application=application, user=owner, category="usage", description="6月分",
        vendor="Kairan運営事務局", amount=3_300, paid_on=date(2024, 6, 25),
        receipt=Upload("june.pdf", PDF), today=date(2025, 3, 31),
    )  # fmt: skip
    application = report_submit(
        application=application, user=owner, started_on=date(2024, 6, 10),
        completed_on=date(2025, 3, 31), today=date(2025, 3, 31),
    )  # fmt: skip
    assert application.status == "reported" and application.return_reason == ""
    assert list(application.documents.filter(kind="report").values_list("version", flat=True)) == [
        1,
        2,
    ]
    removed = AuditRecord.objects.get(application=application, action="line_remove")
    assert removed.after["cost_line_removed"]["amount"] == 3_300


def test_paying_more_than_estimated_never_raises_the_amount(application) -> None:
    clerk = clerk_make()
    application = reported(application, clerk, paid_setup=50_000)  # 83,000 paid
    assert application.actual_eligible_cost == 83_000
    assert application.computed_amount == 50_000  # capped
    application = report_confirm(
        application=application, user=clerk, confirmed_on=date(2025, 4, 1), today=date(2025, 4, 1)
    )
    assert application.confirmed_amount == 44_000  # the grant


def test_an_annual_prepayment_counts_up_to_march_only(application) -> None:
    application = granted(application, clerk_make())
    cost_line_add(
        application=application, user=owner_of(application), category="usage",
        description="1年分の利用料", vendor="Kairan運営事務局", amount=39_600,
        paid_on=date(2024, 10, 5), service_start=date(2024, 10, 1),
        service_end=date(2025, 9, 30), receipt=Upload("year.pdf", PDF), today=date(2024, 10, 5),
    )  # fmt: skip
    from subsidy.selectors import actual_figures

    figures = actual_figures(application)
    assert figures.eligible_cost == 19_800  # 6 of 12 months
    assert figures.computed == 13_000


def test_a_clerk_of_another_city_cannot_decide(application) -> None:
    application = submitted(application)
    other = City.objects.create(name="平泉町", addressee="平泉町長")
    stranger = user_make()
    city_staff_add(user=stranger, city=other)
    with pytest.raises(PermissionDenied):
        application_grant(
            application=application, user=stranger, decision_date=date(2024, 6, 10),
            decision_number="第1号", granted_amount=44_000, today=date(2024, 6, 10),
        )  # fmt: skip
    application.refresh_from_db()
    assert application.status == "submitted"


def test_grant_date_cannot_precede_the_application(application) -> None:
    application = submitted(application)
    with pytest.raises(ValidationError) as error:
        application_grant(
            application=application, user=clerk_make(), decision_date=date(2024, 4, 30),
            decision_number="第1号", granted_amount=44_000, today=date(2024, 6, 10),
        )  # fmt: skip
    assert "令和6年5月1日より前" in error.value.messages[0]


def test_a_draft_yielding_nothing_cannot_be_submitted() -> None:
    from subsidy.services.applications import application_submit

    application = application_make(
        association_make(slug="tiny"),
        program_make(2024),
        include_setup_fee=False,
        planned_start=date(2025, 3, 1),
    )
    assert application.requested_amount == 2_000  # one month: 3,300 → 2,000
    program = application.program
    program.eligible_categories = ["setup"]  # a program that funds the setup fee only
    program.save()
    with pytest.raises(ValidationError) as error:
        application_submit(
            application=application, user=owner_of(application), today=date(2024, 5, 1)
        )
    assert "0円" in error.value.messages[0] and "1,500" in error.value.messages[0]


def test_only_a_granted_application_takes_cost_lines(application) -> None:
    with pytest.raises(TransitionRefused):
        cost_line_add(
            application=application, user=owner_of(application), category="usage",
            description="x", vendor="x", amount=1, paid_on=date(2024, 6, 25),
            receipt=Upload("r.pdf", PDF), today=date(2024, 7, 1),
        )  # fmt: skip
    assert not application.cost_lines.exists()


def test_granting_a_draft_is_refused_by_the_table(application) -> None:
    with pytest.raises(TransitionRefused) as refused:
        application_grant(
            application=application, user=clerk_make(), decision_date=date(2024, 6, 10),
            decision_number="第1号", granted_amount=44_000, today=date(2024, 6, 10),
        )  # fmt: skip
    assert "下書き" in refused.value.message
    application.refresh_from_db()
    assert (application.status, application.granted_amount) == ("draft", None)
    assert not AuditRecord.objects.filter(application=application, action="grant").exists()
