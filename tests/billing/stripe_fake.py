"""Stripe offline: an HTTP client that answers with documented response shapes and records
every request, and webhooks signed exactly as Stripe signs them."""

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import stripe

FIXTURES = Path(__file__).parent / "stripe_fixtures"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]


def _price(params: dict[str, str]) -> dict:
    if params.get("recurring[usage_type]") == "metered":
        return fixture("price_metered")
    if "recurring[interval]" in params:
        return fixture("price_monthly")
    return fixture("price_setup")


ROUTES: dict[tuple[str, str], Callable[[dict[str, str]], dict]] = {
    ("get", "/v1/billing/meters"): lambda p: fixture("meter_list"),
    ("post", "/v1/billing/meters"): lambda p: fixture("meter"),
    ("post", "/v1/products"): lambda p: fixture("product"),
    ("post", "/v1/tax_rates"): lambda p: fixture("tax_rate"),
    ("post", "/v1/prices"): _price,
    ("post", "/v1/customers"): lambda p: fixture("customer"),
    ("post", "/v1/customers/cus_test_Kairan1"): lambda p: fixture("customer"),
    ("post", "/v1/checkout/sessions"): lambda p: fixture("checkout_session"),
    ("get", "/v1/setup_intents/seti_test_Kairan1"): lambda p: fixture("setup_intent"),
    ("post", "/v1/subscriptions"): lambda p: fixture("subscription"),
    ("post", "/v1/billing/meter_events"): lambda p: {
        **fixture("meter_event"),
        "identifier": p["identifier"],
    },
    ("post", "/v1/billing_portal/sessions"): lambda p: fixture("portal_session"),
}


@dataclass
class FakeStripeHTTP(stripe.HTTPClient):
    """Answers from ROUTES; an unknown request fails the test with Stripe's 404 shape."""

    calls: list[Call] = field(default_factory=list)
    name = "kairan-fake"

    def __post_init__(self) -> None:
        super().__init__()

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        params = dict(parse_qsl(post_data or parts.query, keep_blank_values=True))
        self.calls.append(Call(method, parts.path, params, dict(headers or {})))
        route = ROUTES.get((method, parts.path))
        if route is None:
            body = {"error": {"type": "invalid_request_error", "message": f"no route {url}"}}
            return json.dumps(body), 404, {}
        return json.dumps(route(params)), 200, {"Request-Id": "req_test"}

    def request_stream(self, *args, **kwargs):
        raise NotImplementedError

    def close(self) -> None:
        pass

    def to(self, method: str, path: str) -> list[Call]:
        return [c for c in self.calls if (c.method, c.path) == (method, path)]


def signature_header(payload: str, secret: str, timestamp: int | None = None) -> str:
    """Stripe-Signature as Stripe computes it: HMAC-SHA256 of f"{t}.{payload}" with the
    endpoint's secret."""
    t = timestamp if timestamp is not None else int(time.time())
    v1 = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={v1}"


def event(name: str, **changes: object) -> dict:
    """A fixture event with top-level changes and `object` changes merged into data.object."""
    body = fixture(name)
    obj = changes.pop("object", {})
    body.update(changes)
    body["data"]["object"].update(obj)
    return body
