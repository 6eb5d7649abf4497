"""Card payments through Stripe: enrolment, webhook events, usage as meter events.

The ledger stays the record for every association: the monthly close issues our qualified
invoice either way, and Stripe's `invoice.paid` is recorded as a payment that settles it
(oldest open invoice first, the rest kept as credit). Stripe's subscription renews on the
1st with the same items (the month's fee in advance, the last month's overage in arrears).

Webhook events may arrive twice and out of order: each event id is processed once, a
subscription change older than the last one applied is ignored, and a payment is recorded
once per Stripe invoice id.
"""

import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing import selectors, stripe_gateway
from billing.calculations import month_next
from billing.models import BillingAccount, Payment, PaymentMethod, StripeEvent, UsageEvent
from billing.services.accounts import account_ensure
from billing.services.ledger import payment_record
from tenants.models import Association, Membership, StaffAction
from tenants.services import staff_action_record

logger = logging.getLogger(__name__)

# Stripe accepts meter events up to 35 days old; older usage stays with the ledger.
METER_EVENT_MAX_AGE_DAYS = 35
REPORT_BATCH = 500


def _owner_email(association: Association) -> str:
    membership = (
        Membership.objects.filter(association=association, role=Membership.Role.OWNER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user.email if membership else ""


def stripe_card_setup_start(*, association: Association, success_url: str, cancel_url: str) -> str:
    """Open the Stripe customer if needed; the URL of Checkout where the card is entered."""
    client = stripe_gateway.stripe_client()
    account = account_ensure(association=association)
    with transaction.atomic():
        account = BillingAccount.objects.select_for_update().get(pk=account.pk)
        if not account.stripe_customer_id:
            account.stripe_customer_id = stripe_gateway.customer_create(
                client, account, _owner_email(association)
            )
            account.save(update_fields=["stripe_customer_id"])
        # The card itself is entered at Stripe and confirmed by webhook, where nobody on the
        # staff is acting: the log records who started it.
        staff_action_record(action=StaffAction.Action.BILLING_CARD, target="Stripe Checkout")
    return stripe_gateway.checkout_setup_url(client, account, success_url, cancel_url)


def stripe_portal_url(*, association: Association, return_url: str) -> str:
    account = account_ensure(association=association)
    url = stripe_gateway.portal_url(stripe_gateway.stripe_client(), account, return_url)
    staff_action_record(action=StaffAction.Action.BILLING_CARD, target="Stripe portal")
    return url


def stripe_card_setup_complete(*, customer_id: str, setup_intent_id: str) -> BillingAccount | None:
    """After Checkout: make the card the default and start the subscription (once)."""
    account = BillingAccount.objects.filter(stripe_customer_id=customer_id).first()
    if account is None:
        logger.warning("stripe checkout for an unknown customer %s", customer_id)
        return None
    client = stripe_gateway.stripe_client()
    with transaction.atomic():
        account = (
            BillingAccount.objects.select_for_update()
            .select_related("association")
            .get(pk=account.pk)
        )
        if account.stripe_subscription_id and account.stripe_subscription_status != "canceled":
            return account
        now = timezone.now()
        next_month = month_next(timezone.localdate(now))
        plan = selectors.plan_in_force(account=account, month=next_month)
        stripe_gateway.plan_sync(client, plan)
        payment_method = stripe_gateway.setup_intent_payment_method(client, setup_intent_id)
        anchor = datetime.combine(next_month, time(), ZoneInfo(settings.TIME_ZONE))
        started = stripe_gateway.subscription_create(
            client,
            account,
            plan,
            payment_method=payment_method,
            anchor=anchor,
            key=setup_intent_id,
            # Stripe charges the setup fee now; the ledger's first invoice receives it as
            # credit on the 1st. Once the ledger has billed it, Stripe must not.
            with_setup_fee=not account.invoices.exists(),
        )
        account.payment_method = PaymentMethod.STRIPE
        account.stripe_subscription_id = started.id
        account.stripe_subscription_status = started.status
        # Events about the new subscription all come after this; let the first one apply.
        account.stripe_subscription_event_at = None
        account.stripe_metered_since = now
        account.save()
    return account


def _at(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


def stripe_event_process(*, event_id: str, event_type: str, created: int, obj: dict) -> bool:
    """Apply one verified webhook event; False if this event id was already processed."""
    with transaction.atomic():
        _event, new = StripeEvent.objects.get_or_create(
            event_id=event_id, defaults={"type": event_type, "created": _at(created)}
        )
        if not new:
            return False
        handler = _HANDLERS.get(event_type)
        if handler is not None:
            handler(obj, _at(created))
    return True


def _account_of(obj: dict) -> BillingAccount | None:
    customer = obj.get("customer")
    customer_id = customer if isinstance(customer, str) else (customer or {}).get("id", "")
    account = BillingAccount.objects.filter(stripe_customer_id=customer_id).first()
    if account is None:
        logger.warning("stripe event for unknown customer %s ignored", customer_id)
    return account


def _invoice_paid(obj: dict, created: datetime) -> None:
    account = _account_of(obj)
    amount = int(obj.get("amount_paid") or 0)
    if account is None or amount <= 0:
        return
    if obj.get("currency", "jpy") != "jpy":
        logger.error("stripe invoice %s in %s ignored: only JPY", obj["id"], obj.get("currency"))
        return
    if Payment.objects.filter(method=Payment.Method.STRIPE, reference=obj["id"]).exists():
        return  # another event about the same Stripe invoice
    paid_at = (obj.get("status_transitions") or {}).get("paid_at")
    payment_record(
        account=account,
        amount=amount,
        received_on=timezone.localdate(_at(paid_at) if paid_at else created),
        method=Payment.Method.STRIPE,
        reference=obj["id"],
        note="Stripe",
    )
    BillingAccount.objects.filter(pk=account.pk).update(stripe_payment_failed_at=None)


def _invoice_payment_failed(obj: dict, created: datetime) -> None:
    account = _account_of(obj)
    if account is None:
        return
    if Payment.objects.filter(method=Payment.Method.STRIPE, reference=obj["id"]).exists():
        return  # the invoice was paid after all; this failure is old news
    BillingAccount.objects.filter(pk=account.pk).update(stripe_payment_failed_at=created)


def _subscription_changed(obj: dict, created: datetime) -> None:
    account = _account_of(obj)
    if account is None or account.stripe_subscription_id != obj.get("id"):
        return
    status = obj.get("status", "")
    last = account.stripe_subscription_event_at
    # Out of order: an older event never overwrites a newer one. Within the same second a
    # cancellation wins, since nothing follows it.
    if last and (created < last or (created == last and status != "canceled")):
        return
    account.stripe_subscription_status = status
    account.stripe_subscription_event_at = created
    if status in {"canceled", "incomplete_expired"}:
        # Without a subscription the association pays by bank transfer again; nothing is lost.
        account.payment_method = PaymentMethod.BANK_TRANSFER
    account.save(
        update_fields=[
            "stripe_subscription_status", "stripe_subscription_event_at", "payment_method",
        ]
    )  # fmt: skip


def _checkout_completed(obj: dict, created: datetime) -> None:
    if obj.get("mode") != "setup" or not obj.get("setup_intent"):
        return
    setup_intent = obj["setup_intent"]
    stripe_card_setup_complete(
        customer_id=obj.get("customer") or "",
        setup_intent_id=setup_intent if isinstance(setup_intent, str) else setup_intent["id"],
    )


_HANDLERS = {
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_payment_failed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_changed,
    "checkout.session.completed": _checkout_completed,
}


def usage_report() -> int:
    """Send card-paying associations' unreported usage to Stripe; returns events sent.

    Each event is marked reported only after Stripe accepted it, so a crash loses nothing; a
    run that overlaps another may send an event twice, and Stripe drops the repeated
    identifier.
    """
    client = stripe_gateway.stripe_client()
    oldest = timezone.now() - timedelta(days=METER_EVENT_MAX_AGE_DAYS)
    sent = 0
    accounts = BillingAccount.objects.filter(
        payment_method=PaymentMethod.STRIPE, stripe_metered_since__isnull=False
    ).exclude(stripe_customer_id="")
    for account in accounts:
        since = max(account.stripe_metered_since, oldest)
        while True:
            batch = list(
                UsageEvent.objects.filter(
                    association_id=account.association_id,
                    reported_at__isnull=True,
                    occurred_at__gte=since,
                ).order_by("pk")[:REPORT_BATCH]
            )
            if not batch:
                break
            for event in batch:
                stripe_gateway.meter_event_send(
                    client,
                    stripe_gateway.MeterEvent(
                        identifier=f"kairan-usage-{event.pk}",
                        customer_id=account.stripe_customer_id,
                        value=event.quantity,
                        timestamp=int(event.occurred_at.timestamp()),
                    ),
                )
                UsageEvent.objects.filter(pk=event.pk).update(reported_at=timezone.now())
                sent += 1
    return sent
