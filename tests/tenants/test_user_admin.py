"""The operator finds accounts by address in the admin, e.g. to make one a city clerk."""

import pytest

from tenants.models import User
from tests.conftest import client_for, second_factor_pass
from tests.factories import user_make

pytestmark = pytest.mark.usefixtures("platform")


@pytest.fixture
def admin_browser():
    operator = User.objects.create_superuser("operator@example.jp", "pw-operator-1")
    browser = client_for()
    browser.force_login(operator)
    second_factor_pass(browser, operator)
    return browser


def test_clerk_form_finds_the_user_by_address(admin_browser) -> None:
    clerk = user_make("kakarichou@city.example.jp")
    user_make("someone-else@example.org")

    form = admin_browser.get("/admin/subsidy/citystaff/add/").content.decode()
    assert "admin-autocomplete" in form  # a search box, not a raw user number

    response = admin_browser.get(
        "/admin/autocomplete/",
        {
            "app_label": "subsidy",
            "model_name": "citystaff",
            "field_name": "user",
            "term": "kakarichou@city",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(clerk.pk), "text": clerk.email}]


def test_user_list_searches_by_address(admin_browser) -> None:
    user_make("tanaka@example.jp")
    user_make("suzuki@example.jp")
    page = admin_browser.get("/admin/tenants/user/", {"q": "tanaka"}).content.decode()
    assert "tanaka@example.jp" in page and "suzuki@example.jp" not in page


def test_user_page_never_shows_the_password_and_cannot_make_an_operator(admin_browser) -> None:
    user = user_make("yamada@example.jp")
    page = admin_browser.get(f"/admin/tenants/user/{user.pk}/change/").content.decode()
    assert 'name="password"' not in page and "pbkdf2" not in page and "argon2" not in page

    admin_browser.post(
        f"/admin/tenants/user/{user.pk}/change/",
        {"first_name": "太郎", "last_name": "山田", "is_staff": "on", "is_superuser": "on"},
    )
    user.refresh_from_db()
    assert (user.first_name, user.is_staff, user.is_superuser) == ("太郎", False, False)
    assert not user.is_active  # the box was left unticked: switched off
    assert admin_browser.get("/admin/tenants/user/add/").status_code == 403
