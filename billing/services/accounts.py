"""Billing accounts: opening one per association, plan changes, suspension and its end."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing import selectors
from billing.calculations import month_next
from billing.models import BillingAccount, Plan, PlanAssignment
from tenants.models import Association


def account_ensure(*, association: Association) -> BillingAccount:
    """The association's billing account, opened on the default plan if it has none.

    Billing starts on the first day of the month after the association signed up: the
    sign-up month is free, as with a Stripe subscription anchored on the next 1st.
    """
    account = BillingAccount.objects.filter(association=association).first()
    if account is not None:
        return account
    signed_up = timezone.localdate(association.created_at)
    with transaction.atomic():
        account, created = BillingAccount.objects.get_or_create(
            association=association, defaults={"starts_on": month_next(signed_up)}
        )
        if created:
            PlanAssignment.objects.create(
                account=account, plan=selectors.plan_default(), effective_from=account.starts_on
            )
    return account


def plan_change(
    *, association: Association, plan: Plan, today: date | None = None
) -> PlanAssignment:
    """Move the association to another plan from the first day of next month.

    The current month stays on its plan (its invoice may already be issued); a change made
    twice in one month keeps the last choice.
    """
    today = today or timezone.localdate()
    account = account_ensure(association=association)
    effective_from = max(month_next(today), account.starts_on)
    with transaction.atomic():
        PlanAssignment.objects.filter(account=account, effective_from__gt=today).exclude(
            effective_from=effective_from
        ).delete()
        assignment, _created = PlanAssignment.objects.update_or_create(
            account=account, effective_from=effective_from, defaults={"plan": plan}
        )
    return assignment


def accounts_suspend_overdue(*, today: date | None = None) -> list[int]:
    """Suspend sending for accounts with an invoice unpaid past its due date plus the grace
    period (BILLING_GRACE_DAYS); returns their ids. Nothing is deleted; paying resumes."""
    today = today or timezone.localdate()
    limit = today - timedelta(days=settings.BILLING_GRACE_DAYS)
    overdue = selectors.invoice_open_list().filter(
        due_on__lt=limit, account__status=BillingAccount.Status.ACTIVE
    )
    ids = sorted(set(overdue.values_list("account_id", flat=True)))
    BillingAccount.objects.filter(pk__in=ids, status=BillingAccount.Status.ACTIVE).update(
        status=BillingAccount.Status.SUSPENDED, suspended_at=timezone.now()
    )
    return ids


def account_standing_update(*, account: BillingAccount, today: date | None = None) -> None:
    """Resume a suspended account once nothing is overdue past the grace period."""
    today = today or timezone.localdate()
    if account.status != BillingAccount.Status.SUSPENDED:
        return
    limit = today - timedelta(days=settings.BILLING_GRACE_DAYS)
    if not selectors.invoice_open_list().filter(account=account, due_on__lt=limit).exists():
        BillingAccount.objects.filter(pk=account.pk).update(
            status=BillingAccount.Status.ACTIVE, suspended_at=None
        )
        account.status, account.suspended_at = BillingAccount.Status.ACTIVE, None
