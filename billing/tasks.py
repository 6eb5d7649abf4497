"""Background jobs of the billing app. They run in the public schema (they are sent from it:
billing is a public-schema app) and fan out per association with ids, never instances.

The one scheduler module owns the schedules; the intended one is in each docstring.
"""

from datetime import date

import dramatiq
from django.conf import settings
from django.utils import timezone

from billing.services import accounts, ledger, reminders, stripe_sync
from tenants.models import Association


def _day(value: str | None) -> date:
    return date.fromisoformat(value) if value else timezone.localdate()


@dramatiq.actor(max_retries=5)
def billing_month_close(month: str | None = None) -> None:
    """Monthly close: queue one invoice job per association for `month` (default: this month).

    Schedule: the 1st of every month at 03:00 Asia/Tokyo. Safe to run twice: each job issues
    at most one invoice per association and month.
    """
    billing_month = _day(month).replace(day=1).isoformat()
    ids = Association.objects.filter(is_template=False, slug__isnull=False).values_list(
        "pk", flat=True
    )
    for association_id in ids:
        invoice_issue_month.send(association_id, billing_month)


@dramatiq.actor(max_retries=8, min_backoff=60_000)
def invoice_issue_month(association_id: int, month: str) -> None:
    """Issue one association's invoice of a month; safe to run twice (one invoice a month)."""
    association = Association.objects.get(pk=association_id)
    ledger.invoice_issue(association=association, month=date.fromisoformat(month))


@dramatiq.actor(max_retries=3)
def billing_daily(today: str | None = None) -> None:
    """Suspend accounts overdue past the grace period, then mail overdue reminders.

    Schedule: every day at 09:00 Asia/Tokyo (mail in the morning, not at night). Safe to run
    twice: suspension is a conditional update and a reminder is claimed once per invoice a day.
    """
    day = _day(today)
    accounts.accounts_suspend_overdue(today=day)
    reminders.reminders_send(today=day)


@dramatiq.actor(max_retries=10, min_backoff=30_000)
def usage_report_to_stripe() -> None:
    """Send unreported usage of card-paying associations to Stripe as meter events.

    Schedule: every 10 minutes. Safe to run twice: rows are claimed, and Stripe drops a meter
    event whose identifier it has already seen.
    """
    if settings.STRIPE_SECRET_KEY:
        stripe_sync.usage_report()
