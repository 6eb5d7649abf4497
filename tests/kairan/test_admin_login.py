"""The operator's admin signs in through allauth and needs a second factor, as owners do."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from tests.conftest import client_for
from tests.factories import totp_code, user_make

pytestmark = pytest.mark.usefixtures("platform")

SECRET = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"


def _operator(**flags: bool):
    user = user_make(password="pw-operator-1234")
    user.is_staff = True
    user.is_superuser = flags.get("superuser", True)
    user.save()
    return user


def test_admin_login_page_sends_the_operator_to_allauths_sign_in() -> None:
    response = client_for().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"

    response = client_for().get("/admin/")
    assert response["Location"].startswith("/admin/login/")


def test_admin_login_form_with_a_password_alone_signs_nobody_in() -> None:
    operator = _operator()
    browser = client_for()
    browser.post("/admin/login/", {"username": operator.email, "password": "pw-operator-1234"})
    assert "_auth_user_id" not in browser.session


@pytest.mark.parametrize("superuser", [True, False])
def test_operator_without_an_authenticator_cannot_use_the_admin_until_enrolled(
    superuser: bool,
) -> None:
    operator = _operator(superuser=superuser)
    browser = client_for()
    browser.force_login(operator)  # a password sign-in

    response = browser.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert browser.get("/admin/tenants/staffaction/").status_code == 302
    assert browser.post("/admin/tenants/staffaction/", {}).status_code == 403


def test_operator_with_totp_signs_in_through_allauth_and_uses_the_admin(settings) -> None:
    settings.MFA_TOTP_TOLERANCE = 1  # the next code, instead of waiting for a fresh one
    operator = _operator()
    TOTP.activate(operator, SECRET)
    browser = client_for()

    response = browser.post(
        "/accounts/login/?next=/admin/",
        {"login": operator.email, "password": "pw-operator-1234"},
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert browser.get("/admin/").status_code == 302  # not signed in before the code

    response = browser.post("/accounts/2fa/authenticate/", {"code": totp_code(SECRET)})
    assert response["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200


def test_signing_out_of_the_admin_needs_no_second_factor() -> None:
    browser = client_for()
    browser.force_login(_operator())
    response = browser.post("/admin/logout/")
    assert response.status_code == 200
    assert "_auth_user_id" not in browser.session
