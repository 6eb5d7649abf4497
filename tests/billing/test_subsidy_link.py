"""Paid fees offered to the subsidy module (SUBSIDY.md): category, tax-included amount, date."""

from datetime import date

import pytest

from billing.selectors import PaidCost, subsidy_paid_costs
from billing.services.ledger import CreditLine, credit_note_issue, invoice_issue, payment_record
from tests.factories import association_make, billing_account_make, mails_record

pytestmark = pytest.mark.usefixtures("platform")


def test_paid_setup_and_usage_fees_are_offered_with_their_payment_date() -> None:
    association = association_make(slug="hoshi")
    account = billing_account_make(association, date(2024, 4, 15))
    may = invoice_issue(association=association, month=date(2024, 5, 1), today=date(2024, 5, 1))
    payment_record(account=account, amount=36300, received_on=date(2024, 5, 20))
    mails_record(association, 3010, date(2024, 5, 9))
    june = invoice_issue(association=association, month=date(2024, 6, 1), today=date(2024, 6, 1))
    payment_record(account=account, amount=3311, received_on=date(2024, 6, 12))
    july = invoice_issue(association=association, month=date(2024, 7, 1), today=date(2024, 7, 1))
    payment_record(account=account, amount=1000, received_on=date(2024, 7, 12))  # partial

    costs = subsidy_paid_costs(
        association=association, since=date(2024, 4, 1), until=date(2025, 3, 31)
    )
    assert costs == [
        PaidCost(
            "setup", 33000, date(2024, 5, 20), may.number, date(2024, 5, 1), date(2024, 5, 31)
        ),
        PaidCost("usage", 3300, date(2024, 5, 20), may.number, date(2024, 5, 1), date(2024, 5, 31)),
        # June's fee plus May's 10 extra mails: 3,010 + tax 301 = 3,311.
        PaidCost(
            "usage", 3311, date(2024, 6, 12), june.number, date(2024, 5, 1), date(2024, 6, 30)
        ),
    ]
    assert july.number not in {c.invoice_number for c in costs}  # not paid in full
    # The window is inclusive on both ends and filters by payment date.
    window = subsidy_paid_costs(
        association=association, since=date(2024, 6, 12), until=date(2024, 6, 12)
    )
    assert [c.invoice_number for c in window] == [june.number]


def test_a_credit_note_reduces_the_paid_cost() -> None:
    association = association_make(slug="tsuki")
    account = billing_account_make(association, date(2024, 4, 15))
    may = invoice_issue(association=association, month=date(2024, 5, 1), today=date(2024, 5, 1))
    payment_record(account=account, amount=36300, received_on=date(2024, 5, 20))
    credit_note_issue(invoice=may, lines=[CreditLine("usage", "5月分の返金", 3000)], reason="障害")
    costs = subsidy_paid_costs(
        association=association, since=date(2024, 4, 1), until=date(2025, 3, 31)
    )
    assert [(c.category, c.amount) for c in costs] == [("setup", 33000)]
