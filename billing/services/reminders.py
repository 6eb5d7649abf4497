"""Overdue reminders by mail to the association's owners."""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from billing import selectors
from billing.models import Invoice, Reminder
from tenants.models import Membership
from tenants.selectors import association_url


def reminders_send(*, today: date | None = None) -> int:
    """Mail each association with overdue invoices a reminder, at most once every
    BILLING_REMINDER_INTERVAL_DAYS per invoice; safe to run twice a day. Returns mails sent."""
    today = today or timezone.localdate()
    recent = today - timedelta(days=settings.BILLING_REMINDER_INTERVAL_DAYS)
    overdue = (
        selectors.invoice_open_list()
        .filter(due_on__lt=today)
        .exclude(reminders__sent_on__gt=recent)
        .select_related("account__association")
    )
    by_account: dict[int, list[Invoice]] = {}
    for invoice in overdue:
        # The reminder row is the claim: a second run the same day finds it and sends nothing.
        _reminder, created = Reminder.objects.get_or_create(invoice=invoice, sent_on=today)
        if created:
            by_account.setdefault(invoice.account_id, []).append(invoice)
    for invoices in by_account.values():
        transaction.on_commit(lambda invoices=invoices: _reminder_mail(invoices, today))
    return len(by_account)


def _reminder_mail(invoices: list[Invoice], today: date) -> None:
    association = invoices[0].account.association
    owners = list(
        Membership.objects.filter(
            association=association, role=Membership.Role.OWNER, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if not owners:
        return
    grace = timedelta(days=settings.BILLING_GRACE_DAYS)
    context = {
        "association": association,
        "invoices": invoices,
        "total": sum(invoice.balance for invoice in invoices),
        "bank_account": invoices[0].bank_account,
        "suspend_on": min(invoice.due_on for invoice in invoices) + grace + timedelta(days=1),
        "billing_url": association_url(association, "/staff/billing/"),
    }
    # The owners read Japanese; the mail is written in the site's default language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("billing/mail/reminder_subject.txt", context).strip()
        body = render_to_string("billing/mail/reminder.txt", context)
    send_mail(subject, body, None, owners)
