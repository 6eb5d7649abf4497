"""Sign-in rate limits count across every host, not per association (FIELD-NOTES: allauth)."""

import pytest
from django.core.cache import cache
from django_tenants.utils import tenant_context

from tenants.connection import connection
from tests.conftest import client_for
from tests.factories import association_make, user_make

pytestmark = pytest.mark.usefixtures("platform")

PASSWORD = "Right-pass-2026"


def _sign_in(client, email: str, password: str) -> bool:
    response = client.post("/accounts/login/", {"login": email, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_failed_sign_ins_on_one_association_count_on_every_other_host() -> None:
    target = user_make("kaikei@example.org", password=PASSWORD)
    bystander = user_make("shoki@example.org", password=PASSWORD)
    alpha = association_make(slug="alpha", owner=target)
    beta = association_make(slug="beta", owner=bystander)

    for _ in range(5):  # ACCOUNT_RATE_LIMITS["login_failed"]: 5 per 5 minutes per address
        assert not _sign_in(client_for(alpha), "kaikei@example.org", "guess")

    # Even the right password is refused now, on another association's host and on the
    # public host: the attacker does not get five more tries per host.
    assert not _sign_in(client_for(beta), "kaikei@example.org", PASSWORD)
    assert not _sign_in(client_for(), "kaikei@example.org", PASSWORD)
    # Other people are not affected.
    assert _sign_in(client_for(beta), "shoki@example.org", PASSWORD)


def test_other_cache_entries_stay_per_association() -> None:
    north = association_make(slug="north")
    south = association_make(slug="south")
    with tenant_context(north):
        cache.set("notice-count", 1)
    with tenant_context(south):
        assert cache.get("notice-count") is None
    connection.set_schema_to_public()
    assert cache.get("notice-count") is None
