"""Invoices: what the close issues, numbering, immutability and credit notes."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from billing.models import Invoice, InvoiceLine, IssuedDocumentError, Plan
from billing.selectors import invoice_list
from billing.services.accounts import plan_change
from billing.services.ledger import (
    CreditLine,
    billing_month_close,
    credit_note_issue,
    invoice_issue,
)
from tests.factories import association_make, billing_account_make, mails_record

pytestmark = pytest.mark.usefixtures("platform")


def _lines(invoice: Invoice) -> list[tuple[str, int, int, int]]:
    return [(x.description, x.quantity, x.unit_price, x.amount) for x in invoice.lines.all()]


def test_first_invoice_has_the_setup_fee_and_the_month_fee() -> None:
    association = association_make(slug="kita", name="北町内会")
    billing_account_make(association, date(2025, 3, 20))
    assert invoice_issue(association=association, month=date(2025, 3, 1)) is None  # free month

    invoice = invoice_issue(association=association, month=date(2025, 4, 1), today=date(2025, 4, 1))
    assert _lines(invoice) == [
        ("初期費用（スタンダード）", 1, 30000, 30000),
        ("月額利用料（スタンダード）2025年4月分", 1, 3000, 3000),
    ]
    assert (invoice.subtotal, invoice.tax, invoice.total) == (33000, 3300, 36300)
    assert invoice.recipient_name == "北町内会"
    assert invoice.due_on == date(2025, 4, 30)
    assert invoice.issuer_registration_number.startswith("T")


def test_overage_of_the_previous_month_is_billed_at_the_unit_price() -> None:
    association = association_make(slug="minami")
    billing_account_make(association, date(2025, 3, 20))
    mails_record(association, 5000, date(2025, 3, 25))  # the free month: not billed
    invoice_issue(association=association, month=date(2025, 4, 1), today=date(2025, 4, 1))
    mails_record(association, 3007, date(2025, 4, 10))

    may = invoice_issue(association=association, month=date(2025, 5, 1), today=date(2025, 5, 1))
    assert _lines(may) == [
        ("月額利用料（スタンダード）2025年5月分", 1, 3000, 3000),
        ("追加配信 2025年4月分（3,000通を超えた分）", 7, 1, 7),
    ]
    assert (may.subtotal, may.tax, may.total) == (3007, 300, 3307)  # 300.7 truncated


def test_closing_a_month_twice_issues_one_invoice_and_numbers_run_on() -> None:
    first = association_make(slug="higashi")
    second = association_make(slug="nishi")
    for association in (first, second):
        billing_account_make(association, date(2025, 3, 1))
    issued = billing_month_close(month=date(2025, 4, 1), today=date(2025, 4, 1))
    again = billing_month_close(month=date(2025, 4, 1), today=date(2025, 4, 1))
    assert [i.pk for i in issued] == [i.pk for i in again]
    assert Invoice.objects.count() == 2
    numbers = sorted(i.number for i in issued)
    assert numbers == ["KI-000001", "KI-000002"]
    may = billing_month_close(month=date(2025, 5, 1), today=date(2025, 5, 1))
    assert sorted(i.number for i in may) == ["KI-000003", "KI-000004"]


def test_a_number_is_not_used_up_by_an_issue_that_rolled_back() -> None:
    association = association_make(slug="naka")
    billing_account_make(association, date(2025, 3, 1))
    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_issue(association=association, month=date(2025, 4, 1), today=date(2025, 4, 1))
        raise RuntimeError("crash after issuing")
    invoice = invoice_issue(association=association, month=date(2025, 4, 1), today=date(2025, 4, 1))
    assert invoice.number == "KI-000001"


def test_a_plan_change_takes_effect_next_month() -> None:
    association = association_make(slug="oka")
    billing_account_make(association, date(2025, 3, 1))
    small = Plan.objects.create(
        code="small", name="ライト", setup_fee=10000, monthly_fee=1000, mails_included=500,
        extra_mail_price=2,
    )  # fmt: skip
    plan_change(association=association, plan=small, today=date(2025, 4, 15))
    april = invoice_issue(association=association, month=date(2025, 4, 1), today=date(2025, 4, 1))
    may = invoice_issue(association=association, month=date(2025, 5, 1), today=date(2025, 5, 1))
    assert "スタンダード" in april.lines.all()[1].description
    assert _lines(may) == [("月額利用料（ライト）2025年5月分", 1, 1000, 1000)]


def test_an_issued_invoice_cannot_be_edited_or_deleted() -> None:
    association = association_make(slug="yama")
    billing_account_make(association, date(2025, 3, 1))
    invoice = invoice_issue(association=association, month=date(2025, 4, 1), today=date(2025, 4, 1))

    invoice.total = 1
    with pytest.raises(IssuedDocumentError):
        invoice.save()
    loaded = Invoice.objects.get(pk=invoice.pk)
    loaded.recipient_name = "別の名前"
    with pytest.raises(IssuedDocumentError):
        loaded.save()
    with pytest.raises(IssuedDocumentError):
        loaded.delete()
    with pytest.raises(IssuedDocumentError):
        Invoice.objects.filter(pk=invoice.pk).update(total=1)
    with pytest.raises(IssuedDocumentError):
        InvoiceLine.objects.filter(invoice=invoice).update(amount=1)
    line = InvoiceLine.objects.filter(invoice=invoice).first()
    line.amount = 1
    with pytest.raises(IssuedDocumentError):
        line.save()
    # Even SQL that bypasses the models is refused by the database.
    for sql in (
        "UPDATE billing_invoice SET total = 1 WHERE id = %s",
        "DELETE FROM billing_invoiceline WHERE invoice_id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [invoice.pk])
    assert Invoice.objects.get(pk=invoice.pk).total == 36300


def test_a_correction_is_a_credit_note_and_the_invoice_stays_as_issued() -> None:
    association = association_make(slug="kawa")
    billing_account_make(association, date(2025, 3, 1))
    invoice = invoice_issue(association=association, month=date(2025, 4, 1), today=date(2025, 4, 1))
    note = credit_note_issue(
        invoice=invoice,
        lines=[CreditLine("usage", "月額利用料 2025年4月分（障害によるお詫び）", 1005)],
        reason="4月のシステム障害",
        today=date(2025, 4, 20),
    )
    assert (note.number, note.subtotal, note.tax, note.total) == ("KC-000001", 1005, 100, 1105)
    current = invoice_list().get(pk=invoice.pk)
    assert (current.total, current.credited, current.balance) == (36300, 1105, 35195)
    with pytest.raises(IssuedDocumentError):
        note.delete()


def test_a_credit_note_cannot_give_back_more_than_was_charged() -> None:
    association = association_make(slug="mori")
    billing_account_make(association, date(2025, 3, 1))
    invoice = invoice_issue(association=association, month=date(2025, 4, 1), today=date(2025, 4, 1))
    credit_note_issue(invoice=invoice, lines=[CreditLine("usage", "一部", 2000)], reason="訂正")
    with pytest.raises(ValidationError, match="1,000円"):
        credit_note_issue(invoice=invoice, lines=[CreditLine("usage", "残り", 1001)], reason="訂正")
    with pytest.raises(ValidationError):
        credit_note_issue(invoice=invoice, lines=[CreditLine("usage", "x", -5)], reason="訂正")
