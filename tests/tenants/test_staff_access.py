"""One person may serve two associations; entry links are one-time and stay on their host.

The walk of every route as another association's staff is in test_isolation.py."""

import pytest

from tenants.models import Membership
from tenants.services import staff_entry_token
from tests.conftest import client_for, staff_client
from tests.factories import association_make, user_make

# The privacy test walks the staff pages with this (the walk itself is in routes.py).
from tests.tenants.routes import staff_paths as _staff_paths  # noqa: F401

pytestmark = pytest.mark.usefixtures("platform")


def test_one_person_may_serve_two_associations() -> None:

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
    association = association_make(slug="delta")
    editor = user_make()  # owners need a second factor as well: tests/tenants/test_mfa.py
    Membership.objects.create(user=editor, association=association, role="editor")
    token = staff_entry_token(user=editor, association=association)
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
