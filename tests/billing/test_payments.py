"""Bank transfers: partial and over-payments, receipts, reminders, grace period, suspension."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing.models import BillingAccount, Payment, Receipt
from billing.selectors import account_credit, association_sending_allowed, invoice_list
from billing.services.accounts import accounts_suspend_overdue
from billing.services.ledger import invoice_issue, payment_record
from billing.services.reminders import reminders_send
from tests.factories import association_make, billing_account_make, user_make

pytestmark = pytest.mark.usefixtures("platform")


def _april(slug: str, **fields: str):
    association = association_make(slug=slug, **fields)
    account = billing_account_make(association, date(2025, 3, 10))
    invoice = invoice_issue(association=association, month=date(2025, 4, 1), today=date(2025, 4, 1))
    return association, account, invoice


def test_partial_payments_leave_a_balance_until_paid_in_full() -> None:
    _association, account, invoice = _april("sakura")
    payment_record(account=account, amount=20000, received_on=date(2025, 4, 10))
    assert invoice_list().get(pk=invoice.pk).balance == 16300
    assert not Receipt.objects.exists()

    payment_record(account=account, amount=16300, received_on=date(2025, 4, 25))
    settled = invoice_list().get(pk=invoice.pk)
    assert (settled.balance, settled.paid_on) == (0, date(2025, 4, 25))
    receipt = Receipt.objects.get(invoice=invoice)
    assert (receipt.number, receipt.amount, receipt.issued_on) == (
        "KR-000001",
        36300,
        date(2025, 4, 25),
    )


def test_a_payment_larger_than_the_invoice_is_kept_as_credit_for_the_next_one() -> None:
    association, account, invoice = _april("ume")
    payment_record(account=account, amount=40000, received_on=date(2025, 4, 10))
    assert invoice_list().get(pk=invoice.pk).balance == 0
    assert account_credit(account=account) == 3700

    may = invoice_issue(association=association, month=date(2025, 5, 1), today=date(2025, 5, 1))
    may = invoice_list().get(pk=may.pk)
    assert (may.total, may.allocated, may.balance) == (3300, 3300, 0)
    assert may.paid_on == date(2025, 4, 10)  # paid with money received in April
    assert account_credit(account=account) == 400
    # Nothing counted twice: every yen received is on an invoice or in the credit.
    assert sum(p.amount for p in Payment.objects.filter(account=account)) == 36300 + 3300 + 400


def test_a_refund_of_credit_is_recorded_and_cannot_exceed_the_credit() -> None:
    _association, account, _invoice = _april("matsu")
    payment_record(account=account, amount=37300, received_on=date(2025, 4, 10))
    with pytest.raises(ValidationError, match="1,000円"):
        payment_record(
            account=account, amount=-1001, received_on=date(2025, 4, 11), method="refund"
        )
    payment_record(account=account, amount=-1000, received_on=date(2025, 4, 11), method="refund")
    assert account_credit(account=account) == 0


def test_zero_negative_and_repeated_payments_are_refused() -> None:
    _association, account, _invoice = _april("take")
    for amount in (0, -5):
        with pytest.raises(ValidationError, match="1円以上"):
            payment_record(account=account, amount=amount, received_on=date(2025, 4, 10))
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="今日より後"):
        payment_record(account=account, amount=100, received_on=tomorrow)
    payment_record(account=account, amount=100, received_on=date(2025, 4, 10), reference="B-1")
    with pytest.raises(ValidationError, match="すでに記録"):
        payment_record(account=account, amount=100, received_on=date(2025, 4, 10), reference="B-1")
    assert invoice_list().get(account=account).allocated == 100


def test_overdue_reminders_are_sent_once_per_interval() -> None:
    _april("kiku")
    assert reminders_send(today=date(2025, 4, 30)) == 0  # not due yet
    assert reminders_send(today=date(2025, 5, 1)) == 1
    assert reminders_send(today=date(2025, 5, 1)) == 0  # twice the same day: one mail
    assert reminders_send(today=date(2025, 5, 5)) == 0  # within the interval
    assert reminders_send(today=date(2025, 5, 8)) == 1


def test_the_reminder_mail_names_the_invoice_amount_bank_and_suspension_day(
    django_capture_on_commit_callbacks, settings
) -> None:
    owner = user_make("owner@example.jp")
    _association, _account, invoice = _april("hagi", owner=owner, name="萩自治会")
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=date(2025, 5, 1))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.jp"]
    assert "萩自治会" in message.subject
    for expected in (invoice.number, "36,300円", settings.ISSUER_BANK_ACCOUNT, "令和7年5月31日"):
        assert expected in message.body
    assert "データは消えません" in message.body


def test_sending_is_suspended_after_the_grace_period_and_resumes_on_payment(settings) -> None:
    settings.BILLING_GRACE_DAYS = 30
    association, account, _invoice = _april("fuji")
    assert accounts_suspend_overdue(today=date(2025, 5, 30)) == []  # due 4/30 + 30 days
    assert association_sending_allowed(association=association)
    assert accounts_suspend_overdue(today=date(2025, 5, 31)) == [account.pk]
    assert not association_sending_allowed(association=association)

    payment_record(account=account, amount=20000, received_on=date(2025, 6, 2))
    assert not association_sending_allowed(association=association)  # still overdue
    payment_record(account=account, amount=16300, received_on=date(2025, 6, 3))
    assert association_sending_allowed(association=association)
    assert BillingAccount.objects.get(pk=account.pk).status == "active"


def test_a_suspended_association_is_not_charged_a_monthly_fee() -> None:
    association, account, _invoice = _april("kaede")
    accounts_suspend_overdue(today=date(2025, 6, 1))
    assert invoice_issue(association=association, month=date(2025, 6, 1)) is None
    assert association_sending_allowed(association=association) is False
    # Suspension keeps everything: the association and its invoices are all still there.
    assert invoice_list().filter(account=account).count() == 1
