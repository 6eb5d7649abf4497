"""The PDFs carry what a qualified invoice, a receipt and a credit note must show."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from billing.documents import credit_note_pdf, invoice_pdf, receipt_pdf
from billing.models import Receipt
from billing.services.ledger import CreditLine, credit_note_issue, invoice_issue, payment_record
from tests.factories import association_make, billing_account_make, mails_record

pytestmark = pytest.mark.usefixtures("platform")


def _text(pdf: bytes) -> str:
    # Table cells wrap, so compare without spaces and line breaks.
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return text.replace(" ", "").replace("\n", "")


def test_invoice_pdf_shows_issuer_number_dates_items_and_tax_per_rate(settings) -> None:
    settings.ISSUER_REGISTRATION_NUMBER = "T1234567890123"
    association = association_make(slug="sora", name="一関市そら町内会")
    billing_account_make(association, date(2025, 3, 10))
    invoice_issue(association=association, month=date(2025, 4, 1), today=date(2025, 4, 1))
    mails_record(association, 3015, date(2025, 4, 8))
    invoice = invoice_issue(association=association, month=date(2025, 5, 1), today=date(2025, 5, 1))

    text = _text(invoice_pdf(invoice=invoice))
    for expected in (
        "請求書",
        "一関市そら町内会御中",
        invoice.number,
        "登録番号：T1234567890123",
        settings.ISSUER_NAME.replace(" ", ""),
        "令和7年5月1日",  # issue date
        "令和7年4月1日〜令和7年4月30日",  # transaction period of the overage
        "月額利用料（スタンダード）2025年5月分",
        "追加配信2025年4月分",
        "10%対象（税抜）3,015円",
        "消費税（10%）301円",  # 301.5 truncated once for the rate
        "合計（税込）3,316円",
        "お支払い期限：令和7年5月31日",
        settings.ISSUER_BANK_ACCOUNT.replace(" ", ""),
    ):
        assert expected in text, expected


def test_receipt_and_credit_note_pdfs() -> None:
    association = association_make(slug="umi", name="うみ自治会")
    account = billing_account_make(association, date(2025, 3, 10))
    invoice = invoice_issue(association=association, month=date(2025, 4, 1), today=date(2025, 4, 1))
    payment_record(account=account, amount=36300, received_on=date(2025, 4, 15))
    receipt = Receipt.objects.get(invoice=invoice)
    text = _text(receipt_pdf(receipt=receipt))
    for expected in ("領収書", "うみ自治会御中", "金36,300円", invoice.number, "内消費税3,300円",
                     "令和7年4月15日"):  # fmt: skip
        assert expected in text, expected

    note = credit_note_issue(
        invoice=invoice, lines=[CreditLine("usage", "4月分の返金", 3000)], reason="障害",
        today=date(2025, 4, 20),
    )  # fmt: skip
    text = _text(credit_note_pdf(credit_note=note))
    expected_parts = ("返還インボイス", "適格返還請求書", note.number, invoice.number)
    for expected in (*expected_parts, "令和7年4月20日", "消費税（10%）300円", "3,300円"):
        assert expected in text, expected
