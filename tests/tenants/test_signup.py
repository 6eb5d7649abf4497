"""An association signs up online: account, verified address, association, staff pages."""

import re

import pytest
from django.db import connection

from tenants.models import Association, Domain, Membership
from tests.conftest import client_for
from tests.factories import association_make, owner_totp_enrol, user_make

pytestmark = pytest.mark.usefixtures("platform")


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def test_owner_signs_up_verifies_sets_up_an_authenticator_and_lands_on_the_staff_pages(
    mail_sink, settings
) -> None:
    settings.MFA_TOTP_TOLERANCE = 1  # see owner_totp_enrol
    browser = client_for()
    response = browser.post(
        "/accounts/signup/",
        {
            "email": "kaicho@example.org",
            "password1": "Ichinoseki-2026",
            "password2": "Ichinoseki-2026",
        },
    )
    assert response.status_code == 302

    [mail] = mail_sink.wait_for(1)
    assert mail.message["To"] == "kaicho@example.org"
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.text).group(0)
    path = link.split("kairan.test", 1)[1]
    response = browser.post(path)
    assert response.status_code == 302

    response = browser.post(
        "/associations/new/",
        {
            "name": "一関市山目自治会",
            "representative": "会長 一関太郎",
            "address": "岩手県一関市山目",
            "slug": "Yamame",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith("http://yamame.kairan.test/staff/enter/")

    association = Association.objects.get(slug="yamame")
    assert association.schema_name in _schemas()
    assert Membership.objects.get(association=association).role == "owner"

    # The new owner is asked to set up an authenticator app before the staff pages open.
    staff = client_for(association)
    response = staff.get(response["Location"].split("kairan.test", 1)[1])
    assert response["Location"] == "/staff/"
    owner_totp_enrol(staff, "Ichinoseki-2026")
    response = staff.get("/staff/")
    assert response.status_code == 200
    assert "一関市山目自治会" in response.content.decode()


def test_unverified_owner_cannot_sign_in(mail_sink) -> None:
    browser = client_for()
    browser.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "Ichinoseki-2026",
            "password2": "Ichinoseki-2026",
        },
    )
    response = browser.get("/associations/new/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("www", "システムで使うため選べません"),
        ("mail", "システムで使うため選べません"),
        ("ab", "3文字以上30文字以下"),
        ("山目", "半角の英小文字"),
        ("taken", "すでに使われています"),
        ("TAKEN", "すでに使われています"),
    ],
)
def test_bad_slug_is_refused_and_nothing_is_created(slug: str, message: str) -> None:
    association_make(slug="taken")
    user = user_make()
    browser = client_for()
    browser.force_login(user)
    schemas_before = _schemas()
    rows_before = Association.objects.count()

    response = browser.post(
        "/associations/new/",
        {"name": "自治会", "representative": "会長", "address": "一関市", "slug": slug},
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Association.objects.count() == rows_before
    assert Domain.objects.filter(domain__startswith=f"{slug.lower()}.").count() == (
        1 if slug.lower() == "taken" else 0
    )
    assert _schemas() == schemas_before


def test_failed_provisioning_leaves_no_row_and_no_schema(monkeypatch) -> None:
    from tenants import services

    def broken_domain(**kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.Domain.objects, "create", broken_domain)
    schemas_before = _schemas()
    with pytest.raises(RuntimeError):
        association_make(slug="halfway")
    assert not Association.objects.filter(slug="halfway").exists()
    assert _schemas() == schemas_before


def test_signup_page_is_japanese_by_default_and_english_on_request() -> None:
    assert "メールアドレス" in client_for().get("/accounts/signup/").content.decode()
    english = client_for().get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Email" in english.content.decode()


def test_each_language_is_offered_under_its_own_name() -> None:
    japanese = client_for().get("/accounts/signup/").content.decode()
    assert 'lang="en" class="link-button">English</button>' in japanese
    client = client_for()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/signup/"})
    english = client.get("/accounts/signup/").content.decode()
    assert 'lang="ja" class="link-button">日本語</button>' in english


def test_anonymous_visitor_is_sent_to_login_before_creating_an_association() -> None:
    response = client_for().get("/associations/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
