"""Tenant isolation: every URL pattern of the tenant URL conf, walked on association B's host
by B's neighbour (the owner of association A, signed in there with a second factor) and by
an anonymous visitor, gives away nothing of B.

A leak is any 2xx response (page or file; PDFs are read as text) that contains one of B's
private markers: a resident's display name, a paper household's name, a staff-only group's
name, a notice's subject or body, a subsidy applicant's phone number. B's public pages (its
name, the join form with its self-chosen groups) are public by design and carry no marker.
On top of that, staff routes answer 403 to the neighbour and the login page to strangers,
residents' token routes refuse tokens made for association A (and forged ones) with a 4xx,
and none of the POSTs changed anything of B's.

A control walk by B's own owner finds every marker, so the detector is known to see them.
"""

import io
from datetime import date

import pytest
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from billing.services.ledger import invoice_issue
from delivery.links import link_token_make
from delivery.models import Group, Notice, Subscriber
from delivery.services.subscriptions import paper_household_add
from tenants.services import staff_entry_token
from tests.conftest import client_for, staff_client
from tests.factories import (
    application_make,
    association_make,
    billing_account_make,
    group_make,
    subscriber_make,
    user_make,
)
from tests.tenants.routes import SAMPLE_IDS, is_staff_route, route_fill, tenant_routes

pytestmark = pytest.mark.usefixtures("platform")

MARKERS = {
    "resident": "ベータ住民ミドリ",
    "paper": "紙世帯ベータ",
    "group": "ベータ秘密班",
    "subject": "ベータ回覧の件名",
    "body": "ベータ回覧の本文です",
    "phone": "0191-99-4321",
}
TOKEN_ROUTES = {"confirm": "confirm", "unsubscribe": "unsubscribe", "me": "preferences"}


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8", "replace")


def _leaks(response) -> list[str]:
    if not 200 <= response.status_code < 300:
        return []
    text = _text(response)
    return [name for name, marker in MARKERS.items() if marker in text]


def _state(association) -> tuple:
    with tenant_context(association):
        return (
            list(Subscriber.objects.order_by("pk").values_list("pk", "status", "display_name")),
            list(Notice.objects.order_by("pk").values_list("pk", "status", "subject")),
            list(Group.objects.order_by("pk").values_list("pk", "name")),
            list(Subscriber.groups.through.objects.order_by("pk").values_list("pk")),
        )


@pytest.fixture
def two_associations():
    neighbour = user_make()
    alpha = association_make(slug="alpha", owner=neighbour)
    beta_owner = user_make()
    beta = association_make(slug="beta", owner=beta_owner)
    secret_group = group_make(beta, MARKERS["group"], self_selectable=False)
    resident = subscriber_make(beta, MARKERS["resident"], "midori@example.jp", [secret_group])
    with tenant_context(beta):
        paper = paper_household_add(display_name=MARKERS["paper"], group_ids=[secret_group.pk])
        notice = Notice.objects.create(subject=MARKERS["subject"], body=MARKERS["body"])
        notice.groups.add(secret_group)
    application = application_make(beta, phone=MARKERS["phone"])
    billing_account_make(beta, date(2025, 3, 10))
    invoice = invoice_issue(association=beta, month=date(2025, 4, 1), today=date(2025, 4, 1))
    alpha_resident = subscriber_make(alpha, "アルファ住民", "alpha@example.jp")
    with tenant_context(alpha):
        alpha_tokens = {
            purpose: link_token_make(
                purpose=purpose,
                subscriber_id=alpha_resident.pk,
                nonce=alpha_resident.confirm_nonce,
            )
            for purpose in TOKEN_ROUTES.values()
        }
    beta_ids = {
        **SAMPLE_IDS,
        "notice_id": notice.pk,
        "subscriber_id": resident.pk,
        "application_id": application.pk,
        "program_id": application.program_id,
        "number": invoice.number,
    }
    return {
        "alpha": alpha,
        "beta": beta,
        "neighbour": neighbour,
        "beta_owner": beta_owner,
        "beta_ids": beta_ids,
        "alpha_tokens": alpha_tokens,
        "paper": paper,
        "entry": staff_entry_token(user=neighbour, association=alpha),
    }


def _path(route: str, world: dict) -> str:
    values = dict(world["beta_ids"])
    first = route.split("/", 1)[0]
    if route.startswith("staff/enter/"):
        values["token"] = world["entry"]  # A's entry link, on B's host
    elif first in TOKEN_ROUTES:
        values["token"] = world["alpha_tokens"][TOKEN_ROUTES[first]]
    else:
        values["token"] = "forged:token"
    return route_fill(route, values)


def test_every_tenant_route_leaks_nothing_to_a_neighbour_or_a_stranger(two_associations):
    world = two_associations
    beta = world["beta"]
    routes = tenant_routes()
    assert len(routes) >= 60  # residents', staff (delivery, subsidy, billing), accounts, i18n
    before = _state(beta)
    neighbour = staff_client(beta, world["neighbour"])
    stranger = client_for(beta)
    form = {"subject": "x", "body": "x", "to_everyone": "on", "name": "x", "code": "1"}
    leaks, wrong = [], []
    for route in routes:
        path = _path(route, world)
        for who, client in (("neighbour", neighbour), ("stranger", stranger)):
            for method in ("get", "post"):
                if method == "post" and not (is_staff_route(route) or "<str:token>" in route):
                    continue  # public forms (join, sign-in) are open to anyone by design
                response = getattr(client, method)(path, form)
                leaks += [(who, method, path, m) for m in _leaks(response)]
                status = response.status_code
                if is_staff_route(route):
                    expected = 403 if who == "neighbour" else 302
                    if status != expected or (
                        who == "stranger"
                        and not response["Location"].startswith("/accounts/login/")
                    ):
                        wrong.append((who, method, path, status))
                elif "<str:token>" in route and not 400 <= status < 500:
                    wrong.append((who, method, path, status))
    assert leaks == []
    assert wrong == []
    assert _state(beta) == before
    with tenant_context(world["alpha"]):
        # A's resident, whose tokens were tried on B's host, is untouched as well.
        assert Subscriber.objects.get(display_name="アルファ住民").status == "active"


def test_control_bs_own_owner_sees_every_marker_on_the_same_walk(two_associations):
    world = two_associations
    owner = staff_client(world["beta"], world["beta_owner"])
    seen: set[str] = set()
    for route in tenant_routes():
        if is_staff_route(route):
            seen.update(_leaks(owner.get(_path(route, world))))
    assert seen == set(MARKERS)
