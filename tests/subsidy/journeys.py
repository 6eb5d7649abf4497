"""An application moved along the workflow through the services, for tests that need one
in a later state. Dates follow scenario C of SUBSIDY.md (令和6年度)."""

from datetime import date

from subsidy.models import Application
from subsidy.services.applications import application_submit
from subsidy.services.reports import Upload, cost_line_add, report_submit
from subsidy.services.reviews import application_grant

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


def owner_of(application: Application):
    return application.association.memberships.get(role="owner").user


def submitted(application: Application) -> Application:
    return application_submit(
        application=application, user=owner_of(application), today=date(2024, 5, 1)
    )


def granted(application: Application, clerk) -> Application:
    application = submitted(application)
    return application_grant(
        application=application,
        user=clerk,
        decision_date=date(2024, 6, 10),
        decision_number="一関市指令ま第101号",
        granted_amount=application.requested_amount,
        today=date(2024, 6, 10),
    )


def monthly_usage(application: Application, amount: int = 3_300, months: int = 10) -> None:
    owner = owner_of(application)
    for n in range(months):
        year, month = divmod(5 + n, 12)
        paid = date(2024 + year, month + 1, 25)
        cost_line_add(
            application=application, user=owner, category="usage", description="月額利用料",
            vendor="Kairan運営事務局", amount=amount, tax_amount=amount // 11, paid_on=paid,
            service_start=paid.replace(day=1), service_end=paid, receipt=Upload("r.pdf", PDF),
            today=date(2025, 3, 31),
        )  # fmt: skip


def reported(application: Application, clerk, paid_setup: int = 33_000) -> Application:
    application = granted(application, clerk)
    owner = owner_of(application)
    cost_line_add(
        application=application, user=owner, category="setup", description="初期費用",
        vendor="Kairan運営事務局", amount=paid_setup, paid_on=date(2024, 6, 20),
        receipt=Upload("receipt.jpg", JPEG), today=date(2024, 6, 20),
    )  # fmt: skip
    monthly_usage(application)
    return report_submit(
        application=application,
        user=owner,
        started_on=date(2024, 6, 10),
        completed_on=date(2025, 3, 31),
        today=date(2025, 3, 31),
    )
