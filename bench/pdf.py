"""Rendering the subsidy's document sets: seconds and bytes per set.

The application set is 交付申請書 + 事業計画書 + 収支予算書 + 見積書; the report set is
実績報告書 + 収支決算書 + 支払一覧 (eleven payments). The applicant's name has a rare kanji
(𠮷), so each set embeds a Noto CJK subset besides IPAex: the heavier case.
Prints one JSON line. Targets (issue #5): ≤ 1.5 s and ≤ 400 KB per set on this machine.
"""

import argparse
import statistics
import time
from datetime import date

from _django import django_start, result_write


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    django_start("kairan_bench_pdf")

    from subsidy.documents import document_render
    from subsidy.models import City, Program
    from subsidy.services.applications import (
        ApplicationFields,
        application_create,
        application_submit,
    )
    from subsidy.services.city import city_staff_add
    from subsidy.services.reports import Upload, cost_line_add
    from subsidy.services.reviews import application_grant
    from tenants.models import User
    from tenants.services import association_provision

    owner = User.objects.create_user("owner@example.org", "bench-password")
    clerk = User.objects.create_user("clerk@example.org", "bench-password")
    city = City.objects.get(name="一関市")
    city_staff_add(user=clerk, city=city)
    program = Program.objects.get(fiscal_year=2023)
    program.pk = None
    program.fiscal_year = 2024
    for name in ("applications_close_on", "window_end", "report_due_on"):
        setattr(program, name, date(2025, 3, 31))
    program.applications_open_on = date(2024, 4, 1)
    program.save()
    association = association_provision(
        owner=owner,
        name="一関市竹山町自治会",
        representative="会長 𠮷田 髙子",
        address="岩手県一関市竹山町7番2号",
        slug="takeyama",
    )
    application = application_create(
        association=association,
        user=owner,
        program=program,
        fields=ApplicationFields(
            applicant_name="一関市竹山町自治会",
            applicant_address="岩手県一関市竹山町7番2号",
            representative_title="会長",
            representative_name="𠮷田 髙子",
            phone="0191-21-0000",
            households=120,
            registrants=80,
            planned_start=date(2024, 6, 10),
            planned_end=date(2025, 3, 31),
            planned_equipment_cost=80_000,
            planned_internet_cost=55_000,
        ),
        today=date(2024, 5, 1),
    )
    application = application_submit(application=application, user=owner, today=date(2024, 5, 1))
    application = application_grant(
        application=application,
        user=clerk,
        decision_date=date(2024, 6, 10),
        decision_number="一関市指令ま第101号",
        granted_amount=44_000,
        today=date(2024, 6, 10),
    )
    receipt = Upload("receipt.pdf", b"%PDF-1.7\n")
    cost_line_add(
        application=application,
        user=owner,
        category="setup",
        description="初期費用",
        vendor="Kairan運営事務局",
        amount=33_000,
        paid_on=date(2024, 6, 20),
        receipt=receipt,
        today=date(2025, 3, 31),
    )
    for n in range(10):
        year, month = divmod(5 + n, 12)
        paid = date(2024 + year, month + 1, 25)
        cost_line_add(
            application=application,
            user=owner,
            category="usage",
            description="月額利用料",
            vendor="Kairan運営事務局",
            amount=3_300,
            paid_on=paid,
            receipt=receipt,
            service_start=paid.replace(day=1),
            service_end=paid,
            today=date(2025, 3, 31),
        )
    application.started_on, application.completed_on = date(2024, 6, 10), date(2025, 3, 31)

    def measure(kind: str) -> tuple[list[float], int]:
        document_render(kind=kind, application=application, issued_on=date(2025, 3, 31))  # warm
        seconds, size = [], 0
        for _round in range(args.rounds):
            started = time.perf_counter()
            pdf = document_render(kind=kind, application=application, issued_on=date(2025, 3, 31))
            seconds.append(time.perf_counter() - started)
            size = len(pdf)
        return seconds, size

    application_s, application_bytes = measure("application")
    report_s, report_bytes = measure("report")
    result_write(
        "pdf",
        {
            "application_set_s_p50": round(statistics.median(application_s), 3),
            "application_set_s_max": round(max(application_s), 3),
            "application_set_bytes": application_bytes,
            "report_set_s_p50": round(statistics.median(report_s), 3),
            "report_set_s_max": round(max(report_s), 3),
            "report_set_bytes": report_bytes,
            "rounds": args.rounds,
            "target_s": 1.5,
            "target_bytes": 400_000,
        },
    )


if __name__ == "__main__":
    main()
