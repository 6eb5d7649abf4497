"""Staff of one association cannot open another's staff pages; entry links are one-time."""

import re

import pytest
from django.urls import get_resolver

from delivery.models import Notice
from tenants.services import staff_entry_token
from tests.conftest import client_for, staff_client
from tests.factories import association_make, subscriber_make, user_make

pytestmark = pytest.mark.usefixtures("platform")


SAMPLE_IDS = {
    "program_id": 1, "application_id": 1, "document_id": 1, "line_id": 1,
    "kind": "application", "number": "1", "file_id": 1,
}  # fmt: skip


def staff_routes() -> list[str]:
    """Every staff route of the tenant URL conf (all apps), as patterns."""
    routes = []

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                routes.append(prefix + str(pattern.pattern))

    walk(get_resolver("kairan.urls_tenant").url_patterns, "")
    return [r for r in routes if r.startswith("staff/") and not r.startswith("staff/enter/")]


def _staff_paths(ids: dict[str, object]) -> list[str]:
    """Every staff URL with the given ids (and harmless samples for the rest) filled in."""
    paths = []
    for route in staff_routes():
        for name, value in {**SAMPLE_IDS, **ids}.items():
            route = re.sub(rf"<(?:int|str|slug):{name}>", str(value), route)
        assert "<" not in route, f"no sample value for {route}"
        paths.append("/" + route)
    return paths


def test_staff_of_one_association_get_403_on_every_staff_page_of_another() -> None:
    alpha_owner = user_make()
    alpha = association_make(slug="alpha", owner=alpha_owner)
    beta = association_make(slug="beta")
    from django_tenants.utils import tenant_context

    resident = subscriber_make(beta, "ベータの住民", "beta.resident@example.jp")
    with tenant_context(beta):
        notice = Notice.objects.create(subject="役員会", body="本文")

    intruder = staff_client(beta, alpha_owner)
    paths = _staff_paths({"notice_id": notice.pk, "subscriber_id": resident.pk})
    assert len(paths) >= 25  # delivery, subsidy and billing pages
    for path in paths:
        assert intruder.get(path).status_code == 403, path
        assert (
            intruder.post(
                path, {"subject": "x", "body": "x", "to_everyone": "on", "name": "x"}
            ).status_code
            == 403
        ), path
    # The same person is welcome at home.
    assert staff_client(alpha, alpha_owner).get("/staff/").status_code == 200


def test_anonymous_visitors_are_sent_to_login_from_every_staff_page() -> None:
    association = association_make(slug="gamma")
    for path in _staff_paths({"notice_id": 1, "subscriber_id": 1}):
        response = client_for(association).get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path


def test_one_person_may_serve_two_associations() -> None:
    from tenants.models import Membership

    person = user_make()
    first = association_make(slug="first", owner=person)
    second = association_make(slug="second")
    Membership.objects.create(user=person, association=second, role="editor")
    assert staff_client(first, person).get("/staff/").status_code == 200
    assert staff_client(second, person).get("/staff/").status_code == 200
    listing = client_for()
    listing.force_login(person)
    page = listing.get("/staff/").content.decode()
    assert "first 自治会" in page and "second 自治会" in page


def test_entry_link_signs_in_once() -> None:
    owner = user_make()
    association = association_make(slug="delta", owner=owner)
    token = staff_entry_token(user=owner, association=association)
    browser = client_for(association)
    assert browser.get(f"/staff/enter/{token}/").status_code == 302
    assert browser.get("/staff/").status_code == 200

    again = client_for(association).get(f"/staff/enter/{token}/")
    assert again.status_code == 403
    assert "すでに使われています" in again.content.decode()


def test_entry_link_of_one_association_does_not_open_another() -> None:
    owner = user_make()
    alpha = association_make(slug="epsilon", owner=owner)
    beta = association_make(slug="zeta")
    token = staff_entry_token(user=owner, association=alpha)
    response = client_for(beta).get(f"/staff/enter/{token}/")
    assert response.status_code == 403
    assert client_for(beta).get("/staff/").status_code == 302


def test_forged_entry_link_is_refused() -> None:
    association = association_make(slug="eta")
    response = client_for(association).get("/staff/enter/forged:token:value/")
    assert response.status_code == 403
    assert "正しくありません" in response.content.decode()


def test_unknown_host_is_404() -> None:
    from django.test import Client

    assert Client(HTTP_HOST="nobody.kairan.test").get("/").status_code == 404
