"""Stripe, offline: requests asserted against an injected HTTP client; webhooks signed as
Stripe signs them, verified, applied once and in the right order."""

import json
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from billing import stripe_gateway
from billing.models import BillingAccount, Payment, StripeEvent, UsageEvent
from billing.selectors import invoice_list
from billing.services import usage_record
from billing.services.ledger import invoice_issue
from billing.services.stripe_sync import usage_report
from tests.billing.stripe_fake import FakeStripeHTTP, event, signature_header
from tests.conftest import client_for, staff_client
from tests.factories import association_make, billing_account_make, user_make

pytestmark = pytest.mark.usefixtures("platform")

SECRET = "whsec_test_kairan"


@pytest.fixture
def fake(settings, monkeypatch) -> FakeStripeHTTP:
    settings.STRIPE_SECRET_KEY = "sk_test_kairan_placeholder"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    client = FakeStripeHTTP()
    monkeypatch.setattr(stripe_gateway, "HTTP_CLIENT", client)
    return client


def post_event(body: dict, secret: str = SECRET, header: str | None = None):
    payload = json.dumps(body)
    return client_for().post(
        "/billing/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header if header is not None else signature_header(payload, secret),
    )


def _stripe_account(slug: str, **fields: object) -> BillingAccount:
    association = association_make(slug=slug)
    account = billing_account_make(association, date(2025, 3, 10))
    BillingAccount.objects.filter(pk=account.pk).update(
        payment_method="stripe",
        stripe_customer_id="cus_test_Kairan1",
        stripe_subscription_id="sub_test_Kairan1",
        stripe_subscription_status="active",
        **fields,
    )
    account.refresh_from_db()
    return account


def test_owner_enters_a_card_through_checkout_and_the_customer_has_a_jp_trn(fake) -> None:
    owner = user_make("owner@example.jp")
    association = association_make(slug="denki", owner=owner)
    account = billing_account_make(association, date(2025, 3, 10))
    BillingAccount.objects.filter(pk=account.pk).update(registration_number="T1234567890123")

    response = staff_client(association, owner).post("/staff/billing/card/")
    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_test_a1Kairan"
    [customer] = fake.to("post", "/v1/customers")
    assert customer.params["tax_id_data[0][type]"] == "jp_trn"
    assert customer.params["tax_id_data[0][value]"] == "T1234567890123"
    assert customer.params["email"] == "owner@example.jp"
    assert customer.headers["Idempotency-Key"] == f"kairan-customer-{account.pk}"
    [session] = fake.to("post", "/v1/checkout/sessions")
    assert (session.params["mode"], session.params["currency"]) == ("setup", "jpy")
    assert session.params["customer"] == "cus_test_Kairan1"
    assert session.params["success_url"].endswith("/staff/billing/?card=done")
    assert BillingAccount.objects.get(pk=account.pk).stripe_customer_id == "cus_test_Kairan1"


def test_editors_cannot_change_the_payment_method(fake) -> None:
    association = association_make(slug="gasu")
    editor = user_make()
    from tenants.models import Membership

    Membership.objects.create(user=editor, association=association, role="editor")
    assert staff_client(association, editor).post("/staff/billing/card/").status_code == 404
    assert fake.calls == []


def test_checkout_completed_starts_the_subscription_with_metered_price_and_setup_fee(fake) -> None:
    association = association_make(slug="suido")
    account = billing_account_make(association, date(2025, 3, 10))
    BillingAccount.objects.filter(pk=account.pk).update(stripe_customer_id="cus_test_Kairan1")
    body = event("event_checkout_completed")

    assert post_event(body).status_code == 200
    [meter] = fake.to("post", "/v1/billing/meters")
    assert meter.params["event_name"] == "kairan_mail"
    assert meter.params["default_aggregation[formula]"] == "sum"
    prices = {c.params.get("recurring[usage_type]", c.params.get("recurring[interval]", "once")):
              c.params for c in fake.to("post", "/v1/prices")}  # fmt: skip
    assert prices["month"]["unit_amount"] == "3000"
    assert prices["once"]["unit_amount"] == "30000"
    metered = prices["metered"]
    assert metered["recurring[meter]"] == "mtr_test_61Kairan"
    assert (metered["tiers[0][up_to]"], metered["tiers[0][unit_amount]"]) == ("3000", "0")
    assert (metered["tiers[1][up_to]"], metered["tiers[1][unit_amount]"]) == ("inf", "1")
    assert all(p["currency"] == "jpy" and p["tax_behavior"] == "exclusive" for p in prices.values())
    [tax] = fake.to("post", "/v1/tax_rates")
    assert (tax.params["percentage"], tax.params["inclusive"], tax.params["tax_type"]) == (
        "10.0",
        "false",
        "jct",
    )
    [sub] = fake.to("post", "/v1/subscriptions")
    assert sub.params["items[0][price]"] == "price_test_monthly"
    assert sub.params["items[1][price]"] == "price_test_metered"
    assert sub.params["add_invoice_items[0][price]"] == "price_test_setup"
    assert sub.params["default_tax_rates[0]"] == "txr_test_jct10"
    assert sub.params["default_payment_method"] == "pm_test_card_visa"
    assert sub.params["proration_behavior"] == "none"
    anchor = datetime.fromtimestamp(int(sub.params["billing_cycle_anchor"]), tz=UTC)
    local = timezone.localtime(anchor)
    assert (local.day, local.hour, local.minute) == (1, 0, 0)  # the 1st, midnight in Japan
    assert sub.headers["Idempotency-Key"] == f"kairan-subscription-{account.pk}-seti_test_Kairan1"
    account.refresh_from_db()
    assert (account.payment_method, account.stripe_subscription_id) == (
        "stripe",
        "sub_test_Kairan1",
    )

    calls = len(fake.calls)
    assert post_event(body).status_code == 200  # replayed: nothing more happens
    assert len(fake.calls) == calls


def test_usage_goes_to_stripe_as_meter_events_identified_by_the_usage_event(fake) -> None:
    account = _stripe_account("hashi", stripe_metered_since=timezone.now())
    association = account.association
    usage_record(association=association, kind="mail", key="d-1")
    usage_record(association=association, kind="mail", key="d-2", quantity=3)
    assert usage_report() == 2
    sent = fake.to("post", "/v1/billing/meter_events")
    ids = list(UsageEvent.objects.order_by("pk").values_list("pk", flat=True))
    assert [c.params["identifier"] for c in sent] == [f"kairan-usage-{i}" for i in ids]
    assert [c.params["payload[value]"] for c in sent] == ["1", "3"]
    assert {c.params["payload[stripe_customer_id]"] for c in sent} == {"cus_test_Kairan1"}
    assert {c.params["event_name"] for c in sent} == {"kairan_mail"}
    assert usage_report() == 0  # each event is sent once


def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing(fake) -> None:
    account = _stripe_account("tsuchi")
    invoice_issue(association=account.association, month=date(2025, 4, 1), today=date(2025, 4, 1))
    body = event("event_invoice_paid", object={"amount_paid": 36300})
    payload = json.dumps(body)
    for header in (
        signature_header(payload, "whsec_someone_else"),
        signature_header(payload, SECRET, timestamp=int(datetime.now().timestamp()) - 3600),
        "",
        "t=1,v1=deadbeef",
    ):
        response = post_event(body, header=header)
        assert response.status_code == 400, header
    tampered = client_for().post(
        "/billing/stripe/webhook/",
        payload.replace("36300", "99999"),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature_header(payload, SECRET),
    )
    assert tampered.status_code == 400
    assert not Payment.objects.exists() and not StripeEvent.objects.exists()


def test_a_replayed_invoice_paid_is_recorded_once(fake) -> None:
    account = _stripe_account("mizu")
    invoice = invoice_issue(
        association=account.association, month=date(2025, 4, 1), today=date(2025, 4, 1)
    )
    body = event("event_invoice_paid", object={"amount_paid": 36300, "amount_due": 36300})
    assert post_event(body).status_code == 200
    assert post_event(body).status_code == 200
    # Another event id about the same Stripe invoice does not pay twice either.
    assert post_event({**body, "id": "evt_test_other"}).status_code == 200
    assert Payment.objects.get().amount == 36300
    settled = invoice_list().get(pk=invoice.pk)
    assert (settled.balance, settled.paid_on) == (0, date(2025, 4, 1))  # paid_at in Japan time


def test_a_stripe_payment_before_the_invoice_is_credit_that_settles_it(fake) -> None:
    account = _stripe_account("hinode")
    post_event(event("event_invoice_paid", object={"amount_paid": 36300}))
    invoice = invoice_issue(
        association=account.association, month=date(2025, 4, 1), today=date(2025, 4, 1)
    )
    assert invoice_list().get(pk=invoice.pk).balance == 0


def test_out_of_order_subscription_events_keep_the_newest_state(fake) -> None:
    account = _stripe_account("kane")
    deleted = event(
        "event_subscription", id="evt_test_del", created=2000,
        type="customer.subscription.deleted", object={"status": "canceled"},
    )  # fmt: skip
    older_update = event("event_subscription", id="evt_test_upd", created=1000,
                         object={"status": "past_due"})  # fmt: skip
    BillingAccount.objects.filter(pk=account.pk).update(
        stripe_subscription_event_at=datetime.fromtimestamp(500, tz=UTC)
    )
    assert post_event(deleted).status_code == 200
    assert post_event(older_update).status_code == 200
    account.refresh_from_db()
    assert account.stripe_subscription_status == "canceled"
    assert account.payment_method == "bank_transfer"  # back to the ledger's default


def test_a_payment_failure_older_than_the_payment_is_ignored(fake) -> None:
    account = _stripe_account("kinoko")
    invoice_issue(association=account.association, month=date(2025, 4, 1), today=date(2025, 4, 1))
    post_event(event("event_invoice_paid", object={"amount_paid": 36300}))
    failed = event("event_invoice_paid", id="evt_test_failed", type="invoice.payment_failed",
                   created=1743400000)  # fmt: skip
    assert post_event(failed).status_code == 200
    account.refresh_from_db()
    assert account.stripe_payment_failed_at is None


def test_without_keys_the_webhook_does_not_exist(settings) -> None:
    settings.STRIPE_SECRET_KEY = None
    body = event("event_invoice_paid")
    assert post_event(body).status_code == 404
