"""The documents as PDF: names, 和暦 dates and amounts in the text, Japanese fonts embedded."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from subsidy.documents import document_render
from subsidy.models import Document
from tests.factories import application_make, association_make, clerk_make, program_make
from tests.subsidy.journeys import reported

pytestmark = pytest.mark.usefixtures("platform")


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _fonts(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def _japanese_fonts_only(pdf: bytes) -> None:
    fonts = _fonts(pdf)
    assert fonts
    # Subset names look like ABCDEF+IPAexMincho; a fallback would be DejaVu or Liberation.
    for font in fonts:
        assert any(name in font for name in ("IPAex", "Noto")), fonts
    assert any("IPAexMincho" in f for f in fonts)  # body text
    assert any("IPAexGothic" in f for f in fonts)  # headings
    assert any("Noto" in f for f in fonts)  # 𠮷 is not in IPAex


@pytest.fixture
def application():
    association = association_make(slug="takeyama", name="一関市竹山町自治会")
    return application_make(association, program_make(2024), today=date(2024, 5, 1))


def test_application_set_names_dates_amounts_and_the_vendor(application, settings) -> None:
    settings.ISSUER_REGISTRATION_NUMBER = "T1234567890123"
    pdf = document_render(kind="application", application=application, issued_on=date(2024, 5, 1))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 4
    pages = [page.extract_text() for page in reader.pages]
    application_page, plan_page, budget_page, estimate_page = pages

    assert "令和6年5月1日" in application_page
    assert "一関市長 様" in application_page.replace("\u3000", " ")
    assert "一関市竹山町自治会" in application_page
    assert "𠮷田 髙子" in application_page
    assert "金 44,000 円" in application_page
    assert "令和6年6月10日" in application_page and "令和7年3月31日" in application_page
    assert "令和6年度において" in application_page
    assert "一関市補助金交付規則" in application_page

    assert "120" in plan_page and "33,000" in plan_page  # households; usage 3,000 × 10 + tax
    assert "令和6年6月〜令和7年3月" in plan_page

    # Income equals expenditure: 44,000 from the city and 22,000 of its own for 66,000.
    for figure in ("44,000", "22,000", "66,000"):
        assert figure in budget_page

    assert "一関市竹山町自治会 御中" in estimate_page.replace("\u3000", " ")
    for figure in ("30,000", "3,000", "60,000", "6,000", "66,000"):
        assert figure in estimate_page
    assert "消費税（10%）" in estimate_page
    assert "T1234567890123" in estimate_page
    assert "Kairan運営事務局" in estimate_page
    _japanese_fonts_only(pdf)


def test_excluded_costs_are_printed_as_such_and_do_not_change_the_amount(application) -> None:
    from subsidy.services.applications import application_update
    from tests.factories import application_fields

    owner = application.association.memberships.get().user
    application = application_update(
        application=application,
        user=owner,
        fields=application_fields(planned_equipment_cost=80_000, planned_internet_cost=55_000),
    )
    assert application.requested_amount == 44_000
    text = _text(
        document_render(kind="application", application=application, issued_on=date(2024, 5, 1))
    )
    assert "パソコン等の設備" in text and "80,000" in text
    assert "インターネット回線" in text and "55,000" in text
    assert "201,000" in text  # 66,000 + 80,000 + 55,000
    assert "157,000" in text  # own funds: 201,000 − 44,000


def test_report_set_shows_granted_actual_computed_and_confirmed(application) -> None:
    clerk = clerk_make()
    application = reported(application, clerk, paid_setup=27_500)  # scenario C: 60,500 paid
    document = application.documents.get(kind=Document.Kind.REPORT)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(bytes(document.pdf))).pages]
    report, settlement, paid = pages[0], pages[1], "\n".join(pages[2:])
    assert "令和6年6月10日付け一関市指令ま第101号" in report
    assert "金 44,000 円" in report  # granted
    assert "金 60,500 円" in report  # actual eligible cost
    assert "金 40,000 円" in report  # computed and confirmed
    assert "令和7年3月31日" in report  # reported and completed
    assert "𠮷田 髙子" in report
    # 予算額 / 決算額 / 増減: setup 33,000 → 27,500 (−5,500); subsidy 44,000 → 40,000.
    for figure in ("33,000", "27,500", "-5,500", "44,000", "40,000", "-4,000", "66,000", "60,500"):
        assert figure in settlement
    assert "令和6年6月20日" in paid and "27,500" in paid and "3,300" in paid
    _japanese_fonts_only(bytes(document.pdf))


def test_claim_names_the_bank_account_and_has_a_seal_box_by_default(application) -> None:
    from subsidy.bank import bank_account_clean
    from subsidy.services.claims import claim_submit
    from subsidy.services.reviews import report_confirm

    clerk = clerk_make()
    application = reported(application, clerk, paid_setup=27_500)
    application = report_confirm(
        application=application, user=clerk, confirmed_on=date(2025, 4, 10), today=date(2025, 4, 10)
    )
    account = bank_account_clean(
        bank_name="岩手銀行", bank_code="０１２３", branch_name="一関支店", branch_code="456",
        account_type="ordinary", account_number="0012345", account_holder="たけやまちょう じちかい",
    )  # fmt: skip
    owner = application.association.memberships.get().user
    application = claim_submit(
        application=application, user=owner, account=account, today=date(2025, 4, 15)
    )
    pdf = bytes(application.documents.get(kind=Document.Kind.CLAIM).pdf)
    text = _text(pdf)
    for expected in (
        "令和7年4月15日", "令和7年4月10日", "金 40,000 円", "岩手銀行", "0123", "一関支店", "456",
        "普通", "0012345", "タケヤマチョウ ジチカイ", "印",
    ):  # fmt: skip
        assert expected in text, expected
    _japanese_fonts_only(pdf)


def test_seal_box_is_optional_on_the_application(application) -> None:
    text = _text(
        document_render(kind="application", application=application, issued_on=date(2024, 5, 1))
    )
    assert "印" not in text.split("交付申請書")[0]
