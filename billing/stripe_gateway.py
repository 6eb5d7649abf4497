"""A thin gateway to Stripe (stripe.StripeClient, API v1), used only when STRIPE_SECRET_KEY and
STRIPE_WEBHOOK_SECRET are set. Each function is one or two API calls; decisions live in
billing.services.stripe_sync.

Every create carries an idempotency key derived from our own ids, so a retried job or a
double click creates nothing twice. JPY is a zero-decimal currency: 3000 means ¥3,000.
"""

from dataclasses import dataclass
from datetime import datetime

import stripe
from django.conf import settings
from stripe.params import CustomerCreateParams, SubscriptionCreateParams

from billing.models import BillingAccount, Plan

# Tests put an offline stripe.HTTPClient here; None means Stripe's default HTTP client.
HTTP_CLIENT: stripe.HTTPClient | None = None

METER_EVENT_NAME = "kairan_mail"


def stripe_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


def stripe_client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY or "", http_client=HTTP_CLIENT, max_network_retries=2
    )


def _once(key: str) -> stripe.RequestOptions:
    return {"idempotency_key": f"kairan-{key}"}


def meter_ensure(client: stripe.StripeClient) -> str:
    """The Billing Meter that counts mails (sum of `value` per customer), created once."""
    for meter in client.v1.billing.meters.list({"status": "active", "limit": 100}).data:
        if meter.event_name == METER_EVENT_NAME:
            return meter.id
    meter = client.v1.billing.meters.create(
        {
            "display_name": "Kairan mails",
            "event_name": METER_EVENT_NAME,
            "default_aggregation": {"formula": "sum"},
            "customer_mapping": {"type": "by_id", "event_payload_key": "stripe_customer_id"},
            "value_settings": {"event_payload_key": "value"},
        },
        _once(f"meter-{METER_EVENT_NAME}"),
    )
    return meter.id


def plan_sync(client: stripe.StripeClient, plan: Plan) -> None:
    """Create the plan's product, tax rate and prices in Stripe once; ids are kept on the plan.

    The metered price is graduated: the plan's included mails at ¥0, then the extra-mail price,
    so Stripe's overage equals ours. Prices are tax-exclusive with the plan's JCT rate.
    """
    if plan.stripe_setup_price_id:
        return
    meter_id = meter_ensure(client)
    key = f"plan-{plan.pk}"
    product = client.v1.products.create(
        {"name": f"Kairan {plan.name}", "metadata": {"plan": plan.code}}, _once(f"{key}-product")
    )
    tax_rate = client.v1.tax_rates.create(
        {
            "display_name": "消費税",
            "percentage": float(plan.tax_rate_percent),
            "inclusive": False,
            "country": "JP",
            "tax_type": "jct",
        },
        _once(f"{key}-tax"),
    )
    common = {"currency": "jpy", "product": product.id, "tax_behavior": "exclusive"}
    monthly = client.v1.prices.create(
        {**common, "unit_amount": plan.monthly_fee, "recurring": {"interval": "month"}},
        _once(f"{key}-monthly"),
    )
    metered = client.v1.prices.create(
        {
            **common,
            "billing_scheme": "tiered",
            "tiers_mode": "graduated",
            "tiers": [
                {"up_to": plan.mails_included, "unit_amount": 0},
                {"up_to": "inf", "unit_amount": plan.extra_mail_price},
            ],
            "recurring": {"interval": "month", "usage_type": "metered", "meter": meter_id},
        },
        _once(f"{key}-metered"),
    )
    setup = client.v1.prices.create(
        {**common, "unit_amount": plan.setup_fee}, _once(f"{key}-setup")
    )
    plan.stripe_product_id = product.id
    plan.stripe_tax_rate_id = tax_rate.id
    plan.stripe_monthly_price_id = monthly.id
    plan.stripe_metered_price_id = metered.id
    plan.stripe_setup_price_id = setup.id
    plan.save(
        update_fields=[
            "stripe_product_id", "stripe_tax_rate_id", "stripe_monthly_price_id",
            "stripe_metered_price_id", "stripe_setup_price_id",
        ]
    )  # fmt: skip


def customer_create(client: stripe.StripeClient, account: BillingAccount, email: str) -> str:
    """A Stripe customer for the association, with its jp_trn tax id when it has one."""
    params: CustomerCreateParams = {
        "name": account.association.name,
        "email": email,
        "preferred_locales": ["ja"],
        "metadata": {"association": account.association.schema_name},
    }
    if account.registration_number:
        params["tax_id_data"] = [{"type": "jp_trn", "value": account.registration_number}]
    return client.v1.customers.create(params, _once(f"customer-{account.pk}")).id


def checkout_setup_url(
    client: stripe.StripeClient, account: BillingAccount, success_url: str, cancel_url: str
) -> str:
    """A Stripe Checkout page (setup mode) where the association enters its card."""
    session = client.v1.checkout.sessions.create(
        {
            "mode": "setup",
            "currency": "jpy",
            "customer": account.stripe_customer_id,
            "payment_method_types": ["card"],
            "locale": "ja",
            "success_url": success_url,
            "cancel_url": cancel_url,
            "metadata": {"billing_account": str(account.pk)},
        }
    )
    return session.url or ""


def portal_url(client: stripe.StripeClient, account: BillingAccount, return_url: str) -> str:
    """Stripe's customer portal, where the association changes its card."""
    session = client.v1.billing_portal.sessions.create(
        {"customer": account.stripe_customer_id, "return_url": return_url, "locale": "ja"}
    )
    return session.url


def setup_intent_payment_method(client: stripe.StripeClient, setup_intent_id: str) -> str:
    intent = client.v1.setup_intents.retrieve(setup_intent_id)
    method = intent.payment_method
    return method if isinstance(method, str) else method.id  # type: ignore[union-attr]  # set once the SetupIntent succeeded


@dataclass(frozen=True)
class SubscriptionStarted:
    id: str
    status: str


def subscription_create(
    client: stripe.StripeClient,
    account: BillingAccount,
    plan: Plan,
    *,
    payment_method: str,
    anchor: datetime,
    key: str,
    with_setup_fee: bool,
) -> SubscriptionStarted:
    """The monthly price and the metered price, renewing on the 1st (`anchor`); the time
    until then is free (proration none), like the ledger's free sign-up month. `key` names the
    card set-up this subscription comes from: the same one never starts two subscriptions."""
    client.v1.customers.update(
        account.stripe_customer_id,
        {"invoice_settings": {"default_payment_method": payment_method}},
    )
    params: SubscriptionCreateParams = {
        "customer": account.stripe_customer_id,
        "items": [{"price": plan.stripe_monthly_price_id}, {"price": plan.stripe_metered_price_id}],
        "default_tax_rates": [plan.stripe_tax_rate_id],
        "default_payment_method": payment_method,
        "collection_method": "charge_automatically",
        "billing_cycle_anchor": int(anchor.timestamp()),
        "proration_behavior": "none",
        "metadata": {"association": account.association.schema_name},
    }
    if with_setup_fee:
        params["add_invoice_items"] = [{"price": plan.stripe_setup_price_id, "quantity": 1}]
    subscription = client.v1.subscriptions.create(params, _once(f"subscription-{account.pk}-{key}"))
    return SubscriptionStarted(subscription.id, subscription.status)


@dataclass(frozen=True)
class MeterEvent:
    identifier: str
    customer_id: str
    value: int
    timestamp: int


def meter_event_send(client: stripe.StripeClient, event: MeterEvent) -> None:
    """One usage event; Stripe drops a repeated identifier (for at least 24 hours)."""
    client.v1.billing.meter_events.create(
        {
            "event_name": METER_EVENT_NAME,
            "identifier": event.identifier,
            "timestamp": event.timestamp,
            "payload": {"stripe_customer_id": event.customer_id, "value": str(event.value)},
        }
    )
