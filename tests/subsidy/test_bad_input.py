"""Bad input over HTTP: each gets a clear Japanese message, a 4xx status, and changes nothing."""

import io
from datetime import date

import pytest

from subsidy.models import Application, AuditRecord, CostLine, Document, Receipt
from subsidy.services.audit import application_snapshot
from tenants.models import Membership
from tests.conftest import staff_client
from tests.factories import (
    application_make,
    association_make,
    clerk_client,
    clerk_make,
    program_make,
    user_make,
)
from tests.subsidy.journeys import JPEG, PDF, granted, reported, submitted

pytestmark = pytest.mark.usefixtures("platform")

PLAN = {
    "applicant_name": "一関市竹山町自治会",
    "applicant_address": "岩手県一関市竹山町7番2号",
    "representative_title": "会長",
    "representative_name": "𠮷田 髙子",
    "phone": "0191-21-0000",
    "households": "120",
    "registrants": "80",
    "planned_start": "2024-06-10",
    "planned_end": "2025-03-31",
    "include_setup_fee": "on",
}


class Unchanged:
    """Everything a request could change, before and after it."""

    def __init__(self) -> None:
        self.before = self._state()

    @staticmethod
    def _state() -> tuple:
        return (
            [application_snapshot(a) for a in Application.objects.order_by("pk")],
            CostLine.objects.count(),
            Receipt.objects.count(),
            Document.objects.count(),
            AuditRecord.objects.count(),
        )

    def check(self) -> None:
        assert self._state() == self.before


def _refused(response, status: int, *words: str) -> None:
    assert response.status_code == status, response.content.decode()[:500]
    page = response.content.decode()
    for word in words:
        assert word in page, word


@pytest.fixture
def owner():
    return user_make()


@pytest.fixture
def association(owner):
    return association_make(slug="takeyama", owner=owner, name="一関市竹山町自治会")


@pytest.fixture
def browser(association, owner):
    return staff_client(association, owner)


@pytest.fixture
def granted_application(association):
    return granted(application_make(association, program_make(2024)), clerk_make())


def _line(**overrides) -> dict:
    return {
        "category": "usage",
        "description": "6月分の利用料",
        "vendor": "Kairan運営事務局",
        "amount": "3300",
        "paid_on": "2024-06-25",
        "receipt": io.BytesIO(PDF),
        **overrides,
    }


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("-3300", "マイナス"),
        ("△3300", "マイナス"),
        ("3300.5", "小数点"),
        ("3,300.00", "小数点"),
        ("三千三百", "数字で"),
        ("", "金額を入力"),
        ("0", "支払った金額を入力"),
    ],
)
def test_amounts_must_be_whole_positive_yen(
    calendar, browser, granted_application, amount, words
) -> None:
    calendar.day = date(2024, 7, 1)
    unchanged = Unchanged()
    response = browser.post(
        f"/staff/subsidy/{granted_application.pk}/report/", _line(amount=amount)
    )
    _refused(response, 400, words)
    unchanged.check()


def test_a_negative_planned_cost_is_refused(calendar, browser) -> None:
    program = program_make(2024)
    unchanged = Unchanged()
    response = browser.post(
        f"/staff/subsidy/programs/{program.pk}/apply/",
        {**PLAN, "planned_equipment_cost": "-80000", "households": "12.5"},
    )
    _refused(response, 400, "マイナスの金額", "整数で")
    unchanged.check()


@pytest.mark.parametrize(
    ("paid_on", "words"),
    [
        ("2024-06-09", "交付決定日（令和6年6月10日）より前"),
        ("2025-04-01", "令和7年3月31日より後"),
        ("2024-07-02", "まだ来ていない日付"),
    ],
)
def test_costs_outside_the_window_are_refused(
    calendar, browser, granted_application, paid_on, words
) -> None:
    calendar.day = date(2024, 7, 1) if paid_on != "2025-04-01" else date(2025, 4, 5)
    unchanged = Unchanged()
    response = browser.post(
        f"/staff/subsidy/{granted_application.pk}/report/", _line(paid_on=paid_on)
    )
    _refused(response, 400, words)
    unchanged.check()


@pytest.mark.parametrize(
    ("category", "words"),
    [
        ("equipment", "パソコン等の設備の購入費は、補助の対象になりません"),
        ("internet", "インターネット回線の開通や利用の費用は、補助の対象になりません"),
        ("other", "導入費と利用料のほかは"),
        ("bicycle", "何の費用かを選んでください"),
    ],
)
def test_excluded_categories_are_refused(
    calendar, browser, granted_application, category, words
) -> None:
    calendar.day = date(2024, 7, 1)
    unchanged = Unchanged()
    response = browser.post(
        f"/staff/subsidy/{granted_application.pk}/report/", _line(category=category)
    )
    _refused(response, 400, words)
    unchanged.check()


def test_a_receipt_must_be_a_pdf_or_a_jpeg_by_content(
    calendar, browser, granted_application
) -> None:
    calendar.day = date(2024, 7, 1)
    unchanged = Unchanged()
    png = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    png.name = "receipt.pdf"  # the name lies; the bytes decide
    response = browser.post(f"/staff/subsidy/{granted_application.pk}/report/", _line(receipt=png))
    _refused(response, 400, "PDFかJPEG")
    unchanged.check()


def test_a_receipt_too_large_is_refused(calendar, browser, granted_application) -> None:
    calendar.day = date(2024, 7, 1)
    unchanged = Unchanged()
    big = io.BytesIO(JPEG + b"\x00" * (10 * 1024 * 1024))
    big.name = "photo.jpg"
    response = browser.post(f"/staff/subsidy/{granted_application.pk}/report/", _line(receipt=big))
    _refused(response, 400, "大きすぎます")
    unchanged.check()


def test_a_report_before_the_grant_is_refused(calendar, association, browser) -> None:
    application = submitted(application_make(association, program_make(2024)))
    calendar.day = date(2024, 7, 1)
    unchanged = Unchanged()
    _refused(
        browser.post(f"/staff/subsidy/{application.pk}/report/", _line()),
        409,
        "交付決定を受けてから",
    )
    _refused(
        browser.post(
            f"/staff/subsidy/{application.pk}/report/submit/",
            {"started_on": "2024-06-10", "completed_on": "2024-06-30"},
        ),
        409,
        "交付決定を受けてから",
    )
    unchanged.check()


def test_a_second_application_for_the_same_year_is_refused(calendar, association, browser) -> None:
    program = program_make(2024)
    application_make(association, program)
    unchanged = Unchanged()
    response = browser.post(f"/staff/subsidy/programs/{program.pk}/apply/", PLAN)
    _refused(response, 400, "令和6年度の申請はすでにあります", "1回だけ")
    unchanged.check()


def test_applications_open_on_1_april(calendar, browser) -> None:
    program = program_make(2024)
    calendar.day = date(2024, 3, 31)
    unchanged = Unchanged()
    response = browser.post(f"/staff/subsidy/programs/{program.pk}/apply/", PLAN)
    _refused(response, 409, "令和6年度の申請は令和6年4月1日から受け付けます")
    unchanged.check()


def test_a_closed_year_says_so_before_the_form_is_filled(calendar, browser) -> None:
    program = program_make(2024)
    calendar.day = date(2025, 4, 1)
    response = browser.get(f"/staff/subsidy/programs/{program.pk}/apply/")
    _refused(response, 409, "令和6年度の申請の受付は令和7年3月31日で終わりました")
    assert 'name="households"' not in response.content.decode()  # no application form


def test_a_claim_before_the_amount_is_confirmed_is_refused_without_a_form(
    calendar, browser, granted_application
) -> None:
    calendar.day = date(2024, 7, 1)
    unchanged = Unchanged()
    response = browser.post(f"/staff/subsidy/{granted_application.pk}/claim/", {})
    _refused(response, 409, "交付請求は、市が補助金の額を確定してからできます。")
    assert "確定した補助金" not in response.content.decode()
    unchanged.check()


def test_a_report_after_the_deadline_is_refused(calendar, browser, granted_application) -> None:
    calendar.day = date(2024, 7, 1)
    assert (
        browser.post(f"/staff/subsidy/{granted_application.pk}/report/", _line()).status_code == 302
    )
    calendar.day = date(2025, 4, 1)
    unchanged = Unchanged()
    response = browser.post(
        f"/staff/subsidy/{granted_application.pk}/report/submit/",
        {"started_on": "2024-06-10", "completed_on": "2025-03-31"},
    )
    _refused(response, 400, "実績報告の期限（令和7年3月31日）を過ぎています", "まちづくり推進課")
    unchanged.check()


def test_only_the_owner_submits_and_claims(calendar, association) -> None:
    editor = user_make()
    Membership.objects.create(user=editor, association=association, role="editor")
    application = application_make(association, program_make(2024))
    unchanged = Unchanged()
    response = staff_client(association, editor).post(f"/staff/subsidy/{application.pk}/submit/")
    _refused(response, 403, "管理者（会長など）")
    unchanged.check()


def test_forged_transitions_by_url_are_refused(calendar, association, browser) -> None:
    application = submitted(application_make(association, program_make(2024)))
    city = clerk_client(clerk_make())
    unchanged = Unchanged()
    # Confirming or paying what was never granted, claiming what was never confirmed.
    _refused(
        city.post(f"/city/applications/{application.pk}/confirm/", {"confirmed_on": "2024-05-01"}),
        409,
        "額の確定は、実績報告が届いてから",
    )
    _refused(
        city.post(f"/city/applications/{application.pk}/pay/", {"paid_on": "2024-05-01"}),
        409,
        "交付請求が届いてから",
    )
    _refused(
        browser.post(
            f"/staff/subsidy/{application.pk}/claim/",
            {
                "bank_name": "岩手銀行", "bank_code": "0123", "branch_name": "一関支店",
                "branch_code": "456", "account_type": "ordinary", "account_number": "0012345",
                "account_holder": "ジチカイ",
            },
        ),
        409,
        "市が補助金の額を確定してから",
    )  # fmt: skip
    # Submitting twice.
    _refused(browser.post(f"/staff/subsidy/{application.pk}/submit/"), 409, "申請済み")
    unchanged.check()


def test_granting_twice_or_more_than_asked_is_refused(calendar, association) -> None:
    application = submitted(application_make(association, program_make(2024)))
    city = clerk_client(clerk_make())
    calendar.day = date(2024, 6, 10)
    grant = {"decision_date": "2024-06-10", "decision_number": "第1号"}
    unchanged = Unchanged()
    for amount, words in [
        ("45000", "申請額（44,000円）以下"),
        ("43500", "1,000円単位"),
        ("0", "1円以上"),
    ]:
        response = city.post(
            f"/city/applications/{application.pk}/grant/", {**grant, "granted_amount": amount}
        )
        _refused(response, 400, words)
    response = city.post(
        f"/city/applications/{application.pk}/grant/",
        {**grant, "decision_date": "2024-06-11", "granted_amount": "44000"},
    )
    _refused(response, 400, "今日より後の日付")
    unchanged.check()
    assert (
        city.post(
            f"/city/applications/{application.pk}/grant/", {**grant, "granted_amount": "44000"}
        ).status_code
        == 302
    )
    unchanged = Unchanged()
    response = city.post(
        f"/city/applications/{application.pk}/grant/", {**grant, "granted_amount": "44000"}
    )
    _refused(response, 409, "交付決定済み")
    unchanged.check()


def test_a_return_needs_a_reason(calendar, association) -> None:
    application = submitted(application_make(association, program_make(2024)))
    city = clerk_client(clerk_make())
    unchanged = Unchanged()
    response = city.post(f"/city/applications/{application.pk}/return/", {"reason": "  "})
    _refused(response, 400, "このフィールドは必須です")
    unchanged.check()


def test_a_wrong_bank_account_is_refused_field_by_field(calendar, association, browser) -> None:
    clerk = clerk_make()
    application = reported(application_make(association, program_make(2024)), clerk)
    from subsidy.services.reviews import report_confirm

    report_confirm(
        application=application, user=clerk, confirmed_on=date(2025, 4, 1), today=date(2025, 4, 1)
    )
    calendar.day = date(2025, 4, 2)
    unchanged = Unchanged()
    response = browser.post(
        f"/staff/subsidy/{application.pk}/claim/",
        {
            "bank_name": "岩手銀行", "bank_code": "123", "branch_name": "一関支店",
            "branch_code": "456", "account_type": "ordinary", "account_number": "12345",
            "account_holder": "竹山町自治会",
        },
    )  # fmt: skip
    _refused(response, 400, "4桁", "7桁", "カタカナ")
    unchanged.check()


def test_an_association_cannot_open_anothers_application(calendar, association, owner) -> None:
    application = submitted(application_make(association, program_make(2024)))
    document = application.documents.get()
    other_owner = user_make()
    other = association_make(slug="yamanome", owner=other_owner)
    mine = staff_client(other, other_owner)
    for path in (
        f"/staff/subsidy/{application.pk}/",
        f"/staff/subsidy/{application.pk}/report/",
        f"/staff/subsidy/{application.pk}/claim/",
        f"/staff/subsidy/{application.pk}/preview/application/",
        f"/staff/subsidy/{application.pk}/documents/{document.pk}/",
    ):
        assert mine.get(path).status_code == 404, path
    unchanged = Unchanged()
    assert mine.post(f"/staff/subsidy/{application.pk}/submit/").status_code == 404
    assert mine.post(f"/staff/subsidy/{application.pk}/", PLAN).status_code == 404
    # Signed in as the other association's owner on this association's host: not staff here.
    intruder = staff_client(association, other_owner)
    assert intruder.get(f"/staff/subsidy/{application.pk}/").status_code == 403
    assert intruder.post(f"/staff/subsidy/{application.pk}/submit/").status_code == 403
    unchanged.check()


def test_a_frozen_application_cannot_be_edited(calendar, association, browser) -> None:
    application = submitted(application_make(association, program_make(2024)))
    unchanged = Unchanged()
    response = browser.post(f"/staff/subsidy/{application.pk}/", {**PLAN, "households": "999"})
    _refused(response, 409, "申請済み", "内容を変えられません")
    assert (
        'name="households"' not in browser.get(f"/staff/subsidy/{application.pk}/").content.decode()
    )
    unchanged.check()


@pytest.mark.parametrize("query", ["?status=%00", "?fiscal_year=%00", "?fiscal_year=2024%00"])
def test_a_nul_character_in_the_city_filters_is_ignored(query) -> None:
    city = clerk_client(clerk_make())
    program_make(2024)
    assert city.get(f"/city/{query}").status_code == 200
    assert city.get(f"/city/export.csv{query}").status_code == 200
