"""A simulated year (令和6年度) for two associations: one paying by bank transfer, one by card
through Stripe. Every invoice's lines and totals are checked against figures worked out by
hand from the plans: tax is 10% of each invoice's sum, truncated."""

import json
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from billing import stripe_gateway
from billing.calculations import month_next
from billing.models import BillingAccount, Invoice, Plan
from billing.selectors import (
    account_credit,
    association_sending_allowed,
    invoice_list,
    subsidy_paid_costs,
)
from billing.services.accounts import accounts_suspend_overdue, plan_change
from billing.services.ledger import billing_month_close, payment_record
from tests.billing.stripe_fake import FakeStripeHTTP, event, signature_header
from tests.conftest import client_for
from tests.factories import association_make, billing_account_make, mails_record

pytestmark = pytest.mark.usefixtures("platform")

JST = ZoneInfo("Asia/Tokyo")
SECRET = "whsec_test_year"
MONTHS = [date(2024, m, 1) for m in range(4, 13)] + [date(2025, m, 1) for m in range(1, 4)]

BANK_MAILS = [2500, 3100, 2900, 4000, 3000, 3001, 0, 5000, 1200, 3333, 2999, 3050]
CARD_MAILS = [3500, 10, 3000, 3007, 0, 6000, 100, 3999, 2000, 3020, 3000, 4444]

S, L = "スタンダード", "ライト"


def monthly(plan: str, month: str) -> tuple[str, int, int]:
    prices = {S: 3000, L: 1500}
    return (f"月額利用料（{plan}）{month}分", 1, prices[plan])


def extra(month: str, included: str, count: int, price: int) -> tuple[str, int, int]:
    return (f"追加配信 {month}分（{included}通を超えた分）", count, price)


SETUP = ("初期費用（スタンダード）", 1, 30000)

# The bank-transfer association moves to ライト (¥1,500, 1,000 mails, ¥2 each) from October.
BANK_INVOICES = [
    ([SETUP, monthly(S, "2024年4月")], 33000, 3300, 36300),
    ([monthly(S, "2024年5月")], 3000, 300, 3300),
    ([monthly(S, "2024年6月"), extra("2024年5月", "3,000", 100, 1)], 3100, 310, 3410),
    ([monthly(S, "2024年7月")], 3000, 300, 3300),
    ([monthly(S, "2024年8月"), extra("2024年7月", "3,000", 1000, 1)], 4000, 400, 4400),
    ([monthly(S, "2024年9月")], 3000, 300, 3300),
    # September's overage is billed at September's plan.
    ([monthly(L, "2024年10月"), extra("2024年9月", "3,000", 1, 1)], 1501, 150, 1651),
    ([monthly(L, "2024年11月")], 1500, 150, 1650),
    ([monthly(L, "2024年12月"), extra("2024年11月", "1,000", 4000, 2)], 9500, 950, 10450),
    ([monthly(L, "2025年1月"), extra("2024年12月", "1,000", 200, 2)], 1900, 190, 2090),
    ([monthly(L, "2025年2月"), extra("2025年1月", "1,000", 2333, 2)], 6166, 616, 6782),
    ([monthly(L, "2025年3月"), extra("2025年2月", "1,000", 1999, 2)], 5498, 549, 6047),
]
CARD_INVOICES = [
    ([SETUP, monthly(S, "2024年4月")], 33000, 3300, 36300),
    ([monthly(S, "2024年5月"), extra("2024年4月", "3,000", 500, 1)], 3500, 350, 3850),
    ([monthly(S, "2024年6月")], 3000, 300, 3300),
    ([monthly(S, "2024年7月")], 3000, 300, 3300),
    ([monthly(S, "2024年8月"), extra("2024年7月", "3,000", 7, 1)], 3007, 300, 3307),
    ([monthly(S, "2024年9月")], 3000, 300, 3300),
    ([monthly(S, "2024年10月"), extra("2024年9月", "3,000", 3000, 1)], 6000, 600, 6600),
    ([monthly(S, "2024年11月")], 3000, 300, 3300),
    ([monthly(S, "2024年12月"), extra("2024年11月", "3,000", 999, 1)], 3999, 399, 4398),
    ([monthly(S, "2025年1月")], 3000, 300, 3300),
    ([monthly(S, "2025年2月"), extra("2025年1月", "3,000", 20, 1)], 3020, 302, 3322),
    ([monthly(S, "2025年3月")], 3000, 300, 3300),
]

# Bank transfers of the year: (day, amount). June is paid in two parts; August's transfer is
# too large and its excess settles September, October and part of November.
BANK_PAYMENTS = [
    (date(2024, 4, 20), 36300), (date(2024, 5, 20), 3300), (date(2024, 6, 20), 2000),
    (date(2024, 7, 5), 1410), (date(2024, 7, 20), 3300), (date(2024, 8, 20), 10000),
    (date(2024, 11, 20), 1001), (date(2024, 12, 20), 10450), (date(2025, 1, 20), 2090),
    (date(2025, 2, 20), 6782),
]  # fmt: skip


def _stripe_paid(number: int, amount: int, paid: datetime) -> None:
    """Stripe charged the card and tells us, signed: invoice.paid."""
    body = event(
        "event_invoice_paid",
        id=f"evt_test_year_{number}",
        created=int(paid.timestamp()),
        object={"id": f"in_test_year_{number}", "amount_paid": amount, "amount_due": amount,
                "status_transitions": {"paid_at": int(paid.timestamp())}},
    )  # fmt: skip
    payload = json.dumps(body)
    for _delivery in range(2 if number == 5 else 1):  # Stripe sends one of them twice
        response = client_for().post(
            "/billing/stripe/webhook/", payload, content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signature_header(payload, SECRET),
        )  # fmt: skip
        assert response.status_code == 200


def _check(invoice: Invoice, expected: tuple) -> None:
    lines, subtotal, tax, total = expected
    got = [(x.description, x.quantity, x.unit_price) for x in invoice.lines.all()]
    assert got == lines, invoice.billing_month
    assert all(x.amount == x.quantity * x.unit_price for x in invoice.lines.all())
    assert (invoice.subtotal, invoice.tax, invoice.total) == (subtotal, tax, total)


def test_a_year_of_monthly_closes_for_a_bank_and_a_card_association(settings, monkeypatch) -> None:
    settings.STRIPE_SECRET_KEY = "sk_test_year_placeholder"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.BILLING_GRACE_DAYS = 30
    monkeypatch.setattr(stripe_gateway, "HTTP_CLIENT", FakeStripeHTTP())
    light = Plan.objects.create(
        code="light", name=L, setup_fee=10000, monthly_fee=1500, mails_included=1000,
        extra_mail_price=2,
    )  # fmt: skip
    bank = association_make(slug="ichinoseki-bank", name="一関市銀行振込自治会")
    card = association_make(slug="ichinoseki-card", name="一関市カード自治会")
    bank_account = billing_account_make(bank, date(2024, 3, 15))
    card_account = billing_account_make(card, date(2024, 3, 15))
    BillingAccount.objects.filter(pk=card_account.pk).update(
        payment_method="stripe", stripe_customer_id="cus_test_Kairan1",
        stripe_subscription_id="sub_test_Kairan1", stripe_subscription_status="active",
    )  # fmt: skip
    payments = list(BANK_PAYMENTS)

    for index, month in enumerate(MONTHS):
        charged_on = datetime.combine(month, time(0, 30), JST)
        if index:  # Stripe's renewal charge usually lands before our 03:00 close
            _stripe_paid(index, CARD_INVOICES[index][3], charged_on)
        issued = billing_month_close(month=month, today=month)
        assert billing_month_close(month=month, today=month) == issued  # safe to run twice
        by_account = {invoice.account_id: invoice for invoice in issued}
        _check(by_account[bank_account.pk], BANK_INVOICES[index])
        _check(by_account[card_account.pk], CARD_INVOICES[index])
        if not index:  # the first card payment arrives after the invoice
            _stripe_paid(index, CARD_INVOICES[index][3], charged_on)

        mails_record(bank, BANK_MAILS[index], month.replace(day=10))
        mails_record(card, CARD_MAILS[index], month.replace(day=12))
        if month == date(2024, 9, 1):
            plan_change(association=bank, plan=light, today=date(2024, 9, 15))
        while payments and payments[0][0] < month_next(month):
            day, amount = payments.pop(0)
            payment_record(account=bank_account, amount=amount, received_on=day)
        assert accounts_suspend_overdue(today=month_next(month)) == []

    bank_invoices = list(invoice_list().filter(account=bank_account).order_by("billing_month"))
    card_invoices = list(invoice_list().filter(account=card_account).order_by("billing_month"))
    assert len(bank_invoices) == len(card_invoices) == 12
    numbers = sorted(int(i.number.split("-")[1]) for i in bank_invoices + card_invoices)
    assert numbers == list(range(1, 25))  # sequential, none skipped or reused
    # Everything the card association owed was paid, once (one webhook came twice).
    assert [i.balance for i in card_invoices] == [0] * 12
    assert account_credit(account=card_account) == 0
    # The bank association paid all but March; the August excess was used up exactly.
    assert [i.balance for i in bank_invoices] == [0] * 11 + [6047]
    assert account_credit(account=bank_account) == 0
    assert bank_invoices[2].paid_on == date(2024, 7, 5)  # June, paid in two parts
    assert bank_invoices[5].paid_on == date(2024, 8, 20)  # September, by August's excess
    assert bank_invoices[7].paid_on == date(2024, 11, 20)  # November, excess + transfer

    fiscal = {"since": date(2024, 4, 1), "until": date(2025, 3, 31)}
    bank_costs = subsidy_paid_costs(association=bank, **fiscal)
    assert sum(c.amount for c in bank_costs) == sum(e[3] for e in BANK_INVOICES[:11]) == 76633
    assert [c.amount for c in bank_costs if c.category == "setup"] == [33000]
    card_costs = subsidy_paid_costs(association=card, **fiscal)
    assert sum(c.amount for c in card_costs) == sum(e[3] for e in CARD_INVOICES) == 77577

    # March is unpaid: after its due date (31 March) and the 30-day grace, sending stops.
    assert accounts_suspend_overdue(today=date(2025, 4, 30)) == []
    assert accounts_suspend_overdue(today=date(2025, 5, 1)) == [bank_account.pk]
    assert not association_sending_allowed(association=bank)
    assert association_sending_allowed(association=card)
