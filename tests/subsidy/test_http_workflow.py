"""The whole subsidy over HTTP: two associations and one city clerk, from application to
payment, on the hosts each of them really uses. Dates follow scenario C of SUBSIDY.md."""

import csv
import hashlib
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from subsidy.models import Application, AuditRecord, Document
from tests.conftest import staff_client
from tests.factories import association_make, clerk_client, clerk_make, program_make, user_make
from tests.subsidy.journeys import JPEG, PDF

pytestmark = pytest.mark.usefixtures("platform")

PLAN = {
    "applicant_name": "一関市竹山町自治会",
    "applicant_address": "岩手県一関市竹山町7番2号",
    "representative_title": "会長",
    "representative_name": "𠮷田 髙子",
    "phone": "0191-21-0000",
    "households": "120",
    "registrants": "８０",  # typed with a full-width keyboard
    "planned_start": "2024-06-10",
    "planned_end": "2025-03-31",
    "include_setup_fee": "on",
    "planned_equipment_cost": "80,000円",
    "planned_internet_cost": "",
}


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _application_id(response) -> int:
    return int(re.search(r"/staff/subsidy/(\d+)/$", response["Location"]).group(1))


def _line(category: str, amount: str, paid_on: str, receipt=None, **extra) -> dict:
    return {
        "category": category,
        "description": extra.pop("description", "利用料"),
        "vendor": "Kairan運営事務局",
        "amount": amount,
        "paid_on": paid_on,
        "service_start": extra.pop("service_start", ""),
        "service_end": extra.pop("service_end", ""),
        "receipt": receipt or io.BytesIO(PDF),
        **extra,
    }


def test_two_associations_and_a_clerk_from_application_to_payment(calendar) -> None:
    program = program_make(2024)
    alpha_owner, beta_owner = user_make(), user_make()
    alpha = association_make(slug="takeyama", owner=alpha_owner, name="一関市竹山町自治会")
    beta = association_make(slug="yamanome", owner=beta_owner, name="山目自治会")
    a, b = staff_client(alpha, alpha_owner), staff_client(beta, beta_owner)
    city = clerk_client(clerk_make("clerk@city.ichinoseki.example.jp"))

    # --- 1 May: both apply -------------------------------------------------------------------
    calendar.day = date(2024, 5, 1)
    home = a.get("/staff/subsidy/").content.decode()
    assert "令和6年度" in home and f"/staff/subsidy/programs/{program.pk}/apply/" in home
    form = a.get(f"/staff/subsidy/programs/{program.pk}/apply/").content.decode()
    assert 'data-calculate-url="/staff/subsidy/programs/' in form
    assert "subsidy/plan.js" in form and "<script>" not in form  # no inline script (CSP)

    live = a.get(
        f"/staff/subsidy/programs/{program.pk}/calculate/",
        {"planned_start": "2024-06-10", "planned_end": "2025-03-31", "include_setup_fee": "on"},
    ).json()
    assert (live["months"], live["estimate_total"], live["subsidy"]) == (10, 66_000, 44_000)
    assert "44,000" in live["text"]
    tiny = a.get(
        f"/staff/subsidy/programs/{program.pk}/calculate/",
        {"planned_start": "2025-03-01", "planned_end": "2025-03-31"},
    ).json()
    assert tiny["subsidy"] == 2_000 and tiny["warning"] == ""  # 3,300 → 2,200 → 2,000
    early = a.get(
        f"/staff/subsidy/programs/{program.pk}/calculate/",
        {"planned_start": "2023-01-01", "planned_end": "2025-03-31", "include_setup_fee": "on"},
    ).json()
    assert early["months"] == 12  # months before the program opens never count

    response = a.post(f"/staff/subsidy/programs/{program.pk}/apply/", PLAN)
    assert response.status_code == 302, response.content.decode()
    alpha_id = _application_id(response)
    page = a.get(f"/staff/subsidy/{alpha_id}/").content.decode()
    assert "44,000" in page and "下書き" in page

    preview = a.get(f"/staff/subsidy/{alpha_id}/preview/application/")
    assert preview["Content-Type"] == "application/pdf"
    assert "確認用の見本" in _pdf_text(preview)
    assert not Document.objects.exists()  # a preview is never stored

    assert a.post(f"/staff/subsidy/{alpha_id}/submit/").status_code == 302
    alpha_app = Application.objects.get(pk=alpha_id)
    assert (alpha_app.status, alpha_app.requested_amount) == ("submitted", 44_000)
    first = alpha_app.documents.get()
    assert first.sha256 == hashlib.sha256(bytes(first.pdf)).hexdigest()

    beta_plan = {**PLAN, "applicant_name": "山目自治会", "include_setup_fee": "",
                 "planned_equipment_cost": "0", "representative_name": "佐藤 一郎"}  # fmt: skip
    response = b.post(f"/staff/subsidy/programs/{program.pk}/apply/", beta_plan)
    beta_id = _application_id(response)
    assert b.post(f"/staff/subsidy/{beta_id}/submit/").status_code == 302
    assert Application.objects.get(pk=beta_id).requested_amount == 22_000  # 33,000 × 2/3

    # Neither association can open the other's application, on any host.
    assert b.get(f"/staff/subsidy/{alpha_id}/").status_code == 404
    assert b.get(f"/staff/subsidy/{alpha_id}/documents/{first.pk}/").status_code == 404
    assert b.get(f"/staff/subsidy/{alpha_id}/preview/application/").status_code == 404
    assert staff_client(alpha, beta_owner).get(f"/staff/subsidy/{alpha_id}/").status_code == 403

    # --- the city reviews: a list with totals, the documents, a return -------------------------
    listing = city.get("/city/", {"fiscal_year": "2024"}).content.decode()
    assert "一関市竹山町自治会" in listing and "山目自治会" in listing
    assert "66,000" in listing  # 44,000 + 22,000 requested
    opened = city.get(f"/city/applications/{alpha_id}/documents/{first.pk}/")
    assert opened.content == bytes(first.pdf)
    assert "金 44,000 円" in _pdf_text(opened)
    assert (
        "登録届の一覧に見つかりません"
        in city.get(f"/city/applications/{alpha_id}/").content.decode()
    )

    calendar.day = date(2024, 5, 20)
    response = city.post(
        f"/city/applications/{alpha_id}/return/", {"reason": "世帯数を確認してください。"}
    )
    assert response.status_code == 302
    page = a.get(f"/staff/subsidy/{alpha_id}/").content.decode()
    assert "世帯数を確認してください。" in page and "差し戻し中" in page

    assert a.post(f"/staff/subsidy/{alpha_id}/", {**PLAN, "households": "118"}).status_code == 302
    assert a.post(f"/staff/subsidy/{alpha_id}/submit/").status_code == 302
    alpha_app.refresh_from_db()
    assert (alpha_app.status, alpha_app.households) == ("resubmitted", 118)
    assert alpha_app.documents.count() == 2  # version 1 stays as it was submitted
    first_again = Document.objects.get(pk=first.pk)
    assert hashlib.sha256(bytes(first_again.pdf)).hexdigest() == first.sha256

    # --- 10 June: grants --------------------------------------------------------------------
    calendar.day = date(2024, 6, 10)
    grant = {"decision_date": "2024-06-10", "decision_number": "一関市指令ま第101号"}
    response = city.post(
        f"/city/applications/{alpha_id}/grant/", {**grant, "granted_amount": "44,000"}
    )
    assert response.status_code == 302
    response = city.post(
        f"/city/applications/{beta_id}/grant/", {**grant, "granted_amount": "22000"}
    )
    assert response.status_code == 302

    # --- the year's payments, then the report on 31 March ----------------------------------------
    calendar.day = date(2025, 3, 31)
    report_url = f"/staff/subsidy/{alpha_id}/report/"
    response = a.post(
        report_url, _line("setup", "27,500", "2024-06-20", io.BytesIO(JPEG), description="初期費用")
    )
    assert response.status_code == 302, response.content.decode()
    for month in range(10):
        year, index = divmod(5 + month, 12)
        paid = date(2024 + year, index + 1, 25)
        response = a.post(report_url, _line("usage", "3300", paid.isoformat()))
        assert response.status_code == 302
    page = a.get(report_url).content.decode()
    assert "60,500" in page and "40,000" in page

    response = a.post(
        f"/staff/subsidy/{alpha_id}/report/submit/",
        {"started_on": "2024-06-10", "completed_on": "2025-03-31"},
    )
    assert response.status_code == 302
    alpha_app.refresh_from_db()
    assert (alpha_app.actual_eligible_cost, alpha_app.computed_amount) == (60_500, 40_000)
    report_doc = alpha_app.documents.get(kind="report")
    # Once reported, the lines are frozen with the report.
    response = a.post(report_url, _line("usage", "3300", "2025-03-30"))
    assert response.status_code == 409
    assert alpha_app.cost_lines.count() == 11

    # --- April: the city confirms, the association claims, the city pays -------------------------
    calendar.day = date(2025, 4, 10)
    detail = city.get(f"/city/applications/{alpha_id}/").content.decode()
    assert "40,000" in detail and "receipts/" in detail
    receipt_link = re.search(r'href="(/city/applications/\d+/receipts/\d+/)"', detail).group(1)
    receipt = city.get(receipt_link)
    assert receipt.content == JPEG and receipt["Content-Disposition"].startswith("attachment")
    assert (
        city.post(
            f"/city/applications/{alpha_id}/confirm/", {"confirmed_on": "2025-04-10"}
        ).status_code
        == 302
    )
    alpha_app.refresh_from_db()
    assert (alpha_app.status, alpha_app.confirmed_amount) == ("confirmed", 40_000)

    calendar.day = date(2025, 4, 15)
    response = a.post(
        f"/staff/subsidy/{alpha_id}/claim/",
        {
            "bank_name": "岩手銀行", "bank_code": "0123", "branch_name": "一関支店",
            "branch_code": "４５６", "account_type": "ordinary", "account_number": "0012345",
            "account_holder": "ﾀｹﾔﾏﾁｮｳ ｼﾞﾁｶｲ", "seal": "on",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    alpha_app.refresh_from_db()
    assert (alpha_app.status, alpha_app.branch_code) == ("claimed", "456")
    assert alpha_app.account_holder == "タケヤマチョウ ジチカイ"

    calendar.day = date(2025, 4, 30)
    assert (
        city.post(f"/city/applications/{alpha_id}/pay/", {"paid_on": "2025-04-30"}).status_code
        == 302
    )
    alpha_app.refresh_from_db()
    assert (alpha_app.status, alpha_app.paid_on) == ("paid", date(2025, 4, 30))
    assert "市から振り込まれました" in a.get(f"/staff/subsidy/{alpha_id}/").content.decode()

    # --- what the record shows --------------------------------------------------------------------
    actions = list(
        AuditRecord.objects.filter(application=alpha_app, action__in=[
            "submit", "return", "resubmit", "grant", "report", "confirm", "claim", "pay"
        ]).values_list("action", "from_status", "to_status")
    )  # fmt: skip
    assert actions == [
        ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"),
        ("resubmit", "returned", "resubmitted"),
        ("grant", "resubmitted", "granted"),
        ("report", "granted", "reported"),
        ("confirm", "reported", "confirmed"),
        ("claim", "confirmed", "claimed"),
        ("pay", "claimed", "paid"),
    ]
    grant_record = AuditRecord.objects.get(application=alpha_app, action="grant")
    assert grant_record.actor.email == "clerk@city.ichinoseki.example.jp"
    assert grant_record.before["granted_amount"] is None
    assert grant_record.after["granted_amount"] == 44_000
    edit = AuditRecord.objects.get(application=alpha_app, action="edit")
    assert (edit.before["households"], edit.after["households"]) == (120, 118)
    assert AuditRecord.objects.filter(application=alpha_app, action="line_add").count() == 11
    assert Document.objects.get(pk=report_doc.pk).sha256 == report_doc.sha256

    export = city.get("/city/export.csv", {"fiscal_year": "2024"})
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert export.content.startswith(b"\xef\xbb\xbf")
    text = export.content.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    rows = list(csv.DictReader(io.StringIO(text)))
    by_name = {row["団体名"]: row for row in rows}
    assert by_name["一関市竹山町自治会"]["確定額"] == "40000"
    assert by_name["一関市竹山町自治会"]["支払日"] == "2025-04-30"
    assert by_name["山目自治会"]["状態"] == "交付決定済み"
    paid_only = city.get("/city/", {"fiscal_year": "2024", "status": "paid"}).content.decode()
    assert "一関市竹山町自治会" in paid_only and "山目自治会" not in paid_only


def test_the_pages_speak_english_when_asked(calendar, settings) -> None:
    program_make(2024)
    owner = user_make()
    association = association_make(slug="english", owner=owner)
    browser = staff_client(association, owner)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = browser.get("/staff/subsidy/").content.decode()
    assert "ICT subsidy" in page and "Start an application" in page
    assert "申請書を作る" not in page
