"""The demo stays usable by a person: its owner signs in with the printed password and the
code that `kairan demo_code` prints, and reaches the staff pages."""

import io

import pytest
from django.core.management import call_command

from kairan.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, demo_seed
from kairan.wareki import fiscal_year_label
from tests.conftest import client_for

pytestmark = pytest.mark.usefixtures("platform")


def test_demo_owner_signs_in_with_password_and_the_printed_code() -> None:
    info = demo_seed()
    demo_seed()  # safe to repeat: still one authenticator, same secret
    code = io.StringIO()
    call_command("demo_code", stdout=code)

    browser = client_for(info.association)
    response = browser.post(
        "/accounts/login/", {"login": DEMO_STAFF_EMAIL, "password": DEMO_STAFF_PASSWORD}
    )
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    response = browser.post("/accounts/2fa/authenticate/", {"code": code.getvalue().strip()})
    assert response["Location"] == "/staff/"
    assert "一関市サンプル自治会" in browser.get("/staff/").content.decode()


def test_demo_clerk_reviews_at_the_city_portal_and_this_years_program_is_open() -> None:
    info = demo_seed()
    demo_seed()  # safe to repeat: still one program for this year
    code = io.StringIO()
    call_command("demo_code", stdout=code)

    clerk = client_for()
    response = clerk.post(
        "/accounts/login/", {"login": info.clerk_email, "password": DEMO_STAFF_PASSWORD}
    )
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    response = clerk.post("/accounts/2fa/authenticate/", {"code": code.getvalue().strip()})
    assert response["Location"] == "/city/"
    assert clerk.get("/city/").status_code == 200

    owner = client_for(info.association)
    owner.post("/accounts/login/", {"login": DEMO_STAFF_EMAIL, "password": DEMO_STAFF_PASSWORD})
    owner.post("/accounts/2fa/authenticate/", {"code": code.getvalue().strip()})
    page = owner.get("/staff/subsidy/").content.decode()
    assert "今は申請を受け付けている補助金がありません" not in page
    assert fiscal_year_label(info.program.fiscal_year) in page
