"""Association owners need a second factor on the staff pages; editors do not; the one-time
entry link from the public host carries a second factor only when one was used there."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django_tenants.utils import tenant_context

from delivery.models import Notice
from tenants.models import Membership
from tenants.services import staff_entry_token
from tests.conftest import client_for, notice_post, staff_client
from tests.factories import association_make, subscriber_make, totp_code, user_make

pytestmark = pytest.mark.usefixtures("platform")

SECRET = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"


def _password_client(association, user):
    """Signed in on the association's host with the password only (Django's own login)."""
    client = client_for(association)
    client.force_login(user)
    return client


def test_owner_without_authenticator_is_sent_to_set_one_up_and_cannot_write() -> None:
    owner = user_make()
    association = association_make(slug="mfa-a", owner=owner)
    subscriber_make(association, "住民", "resident@example.jp")
    browser = _password_client(association, owner)

    response = browser.get("/staff/notices/new/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"

    response = notice_post(browser, {"subject": "件名", "body": "本文", "to_everyone": "on"})
    assert response.status_code == 403
    assert "二段階認証" in response.content.decode()
    with tenant_context(association):
        assert not Notice.objects.exists()


def test_owner_with_authenticator_enters_a_code_once_then_works(settings) -> None:
    settings.MFA_TOTP_TOLERANCE = 1  # the next code, instead of waiting for a fresh one
    owner = user_make()
    association = association_make(slug="mfa-b", owner=owner)
    TOTP.activate(owner, SECRET)
    browser = _password_client(association, owner)

    response = browser.get("/staff/groups/")
    assert response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fstaff%2Fgroups%2F"
    wrong = browser.post(response["Location"], {"code": "000000"})
    assert wrong.status_code == 200  # the form again, with its error
    assert browser.get("/staff/groups/").status_code == 302

    response = browser.post(response["Location"], {"code": totp_code(SECRET)})
    assert response["Location"] == "/staff/groups/"
    assert browser.get("/staff/groups/").status_code == 200


def test_editors_work_without_a_second_factor() -> None:
    association = association_make(slug="mfa-c")
    editor = user_make()
    Membership.objects.create(user=editor, association=association, role="editor")
    assert _password_client(association, editor).get("/staff/").status_code == 200
    assert not Authenticator.objects.filter(user=editor).exists()


def test_a_webauthn_key_counts_as_the_second_factor() -> None:
    owner = user_make()
    association = association_make(slug="mfa-d", owner=owner)
    Authenticator.objects.create(user=owner, type=Authenticator.Type.WEBAUTHN, data={})
    response = _password_client(association, owner).get("/staff/")
    # Not sent to set up an app: asked to use the key it has.
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/")


def test_entry_link_from_a_session_with_a_code_needs_no_second_code() -> None:
    owner = user_make(password="pass-word-1234")
    association = association_make(slug="mfa-e", owner=owner)
    TOTP.activate(owner, SECRET)
    public = client_for()
    response = public.post("/accounts/login/", {"login": owner.email, "password": "pass-word-1234"})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    public.post("/accounts/2fa/authenticate/", {"code": totp_code(SECRET)})

    response = public.get(f"/associations/{association.slug}/open/")
    entry = response["Location"].split("kairan.test", 1)[1]
    browser = client_for(association)
    assert browser.get(entry).status_code == 302
    assert browser.get("/staff/").status_code == 200


def test_entry_link_does_not_bypass_the_second_factor() -> None:
    owner = user_make()
    association = association_make(slug="mfa-f", owner=owner)
    TOTP.activate(owner, SECRET)
    # A link made by a session that did not pass a second factor (the token is signed:
    # its "m" cannot be turned on by whoever holds it).
    token = staff_entry_token(user=owner, association=association)
    browser = client_for(association)
    assert browser.get(f"/staff/enter/{token}/").status_code == 302
    response = browser.get("/staff/")
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/")

    # Without any authenticator the link leads to setting one up.
    newcomer = user_make()
    Membership.objects.filter(association=association).update(user=newcomer)
    token = staff_entry_token(user=newcomer, association=association, mfa=False)
    browser = client_for(association)
    browser.get(f"/staff/enter/{token}/")
    assert browser.get("/staff/")["Location"] == "/accounts/2fa/totp/activate/"


def test_the_fixture_signs_owners_in_as_if_with_a_code() -> None:
    owner = user_make()
    association = association_make(slug="mfa-g", owner=owner)
    assert staff_client(association, owner).get("/staff/").status_code == 200
