"""The city portal is for city clerks only, and only with a second factor (TOTP)."""

import time

import pytest
from allauth.mfa.models import Authenticator

from subsidy.models import Application
from tests.conftest import client_for
from tests.factories import (
    application_make,
    association_make,
    clerk_client,
    clerk_make,
    totp_code,
    user_make,
)
from tests.subsidy.journeys import submitted

pytestmark = pytest.mark.usefixtures("platform")


def _login(email: str, password: str = "pass-word-1234"):
    client = client_for()
    response = client.post("/accounts/login/", {"login": email, "password": password})
    assert response.status_code == 302
    return client, response


def test_clerk_without_authenticator_is_sent_to_set_up_totp_then_gets_in(settings) -> None:
    # One step of tolerance lets this test use the next code for its second sign-in
    # instead of waiting 30 seconds for the used one to expire.
    settings.MFA_TOTP_TOLERANCE = 1
    clerk = clerk_make("clerk@city.ichinoseki.example.jp")
    browser, _response = _login(clerk.email)

    response = browser.get("/city/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    # allauth asks for the password again before adding an authenticator.
    response = browser.get(response["Location"])
    assert response["Location"].startswith("/accounts/reauthenticate/")
    response = browser.post(response["Location"], {"password": "pass-word-1234"})
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    page = browser.get(response["Location"])
    assert "二段階認証が必要です" in page.content.decode()

    secret = browser.session["mfa.totp.secret"]
    response = browser.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=clerk, type="totp").exists()

    # This session began with the password alone: the portal asks for a code once.
    response = browser.get("/city/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fcity%2F"
    response = browser.post(response["Location"], {"code": totp_code(secret)})
    assert response.status_code == 302 and response["Location"] == "/city/"
    assert browser.get("/city/").status_code == 200

    # Next time the login itself asks for the code, and the portal opens straight away.
    fresh, response = _login(clerk.email)
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert fresh.get("/city/").status_code == 302  # not signed in until the code is given
    response = fresh.post(
        "/accounts/2fa/authenticate/", {"code": totp_code(secret, time.time() + 30)}
    )
    # A clerk lands on the city portal, not on the (empty) list of associations.
    assert response.status_code == 302 and response["Location"] == "/city/"
    assert fresh.get("/city/").status_code == 200


def test_wrong_totp_code_does_not_open_the_portal() -> None:
    clerk = clerk_make()
    browser = clerk_client(clerk)  # activates the authenticator
    browser.logout()
    browser, response = _login(clerk.email)
    response = browser.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200  # the form again, with an error
    assert browser.get("/city/").status_code == 302


def test_clerk_without_mfa_cannot_write(settings) -> None:
    clerk = clerk_make()
    association = association_make(slug="nomfa")
    application = submitted(application_make(association))
    browser, _response = _login(clerk.email)
    response = browser.post(
        f"/city/applications/{application.pk}/grant/",
        {"decision_date": "2024-06-10", "decision_number": "第1号", "granted_amount": "44000"},
    )
    assert response.status_code == 403
    assert "二段階認証" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted" and application.granted_amount is None


def test_an_association_account_cannot_open_the_city_portal() -> None:
    owner = user_make()
    association_make(slug="notcity", owner=owner)
    browser, _response = _login(owner.email)
    response = browser.get("/city/")
    assert response.status_code == 403
    assert "市の担当者だけ" in response.content.decode()


def test_anonymous_visitors_are_sent_to_login() -> None:
    response = client_for().get("/city/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/city/"


def test_an_association_cannot_grant_itself(settings) -> None:
    owner = user_make()
    association = association_make(slug="selfgrant", owner=owner)
    application = submitted(application_make(association))
    data = {"decision_date": "2024-06-10", "decision_number": "第1号", "granted_amount": "44000"}
    # On the public host, as a signed-in association owner: not a clerk.
    browser, _response = _login(owner.email)
    response = browser.post(f"/city/applications/{application.pk}/grant/", data)
    assert response.status_code == 403
    # On the association's own host there is no such page.
    tenant = client_for(association)
    tenant.force_login(owner)
    assert tenant.post(f"/city/applications/{application.pk}/grant/", data).status_code == 404
    application.refresh_from_db()
    assert application.status == "submitted"
    assert list(application.audit.values_list("action", flat=True)) == ["create", "submit"]


def test_clerk_sees_only_submitted_applications_of_their_city() -> None:
    clerk = clerk_make()
    draft = application_make(association_make(slug="drafty"))
    sent = submitted(application_make(association_make(slug="senty")))
    browser = clerk_client(clerk)
    page = browser.get("/city/").content.decode()
    assert sent.applicant_name in page
    assert browser.get(f"/city/applications/{draft.pk}/").status_code == 404
    assert browser.get(f"/city/applications/{sent.pk}/").status_code == 200
    # Granting a draft by URL: the city cannot even see it.
    response = browser.post(
        f"/city/applications/{draft.pk}/grant/",
        {"decision_date": "2024-06-10", "decision_number": "第1号", "granted_amount": "44000"},
    )
    assert response.status_code == 404
    assert Application.objects.get(pk=draft.pk).status == "draft"
