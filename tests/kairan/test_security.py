"""Security headers and cookies on the public host and on an association's host."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.test import Client, override_settings

from tests.conftest import client_for, host_of
from tests.factories import association_make, user_make

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.usefixtures("platform")

# What KAIRAN_ENV=production changes about headers and cookies.
PRODUCTION_SETTINGS = [
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "SECURE_CSP",
    "CSRF_TRUSTED_ORIGINS",
]


def _production_environment() -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SITE_SCHEME", "SITE_PORT", "DEBUG", "DJANGO_SETTINGS_MODULE")
    }
    environment.update(
        KAIRAN_ENV="production",
        BASE_DOMAIN="kairan.test",
        SECRET_KEY="production-test-" + "x" * 40,
        ADDRESS_KEYS="1:" + Fernet.generate_key().decode(),
        ADDRESS_HASH_KEY="production-test-hash-key",
        DATABASE_URL="postgres://kairan@127.0.0.1:5432/kairan",
        REDIS_URL="redis://127.0.0.1:6379/0",
        ISSUER_NAME="株式会社テスト",
        ISSUER_ADDRESS="岩手県一関市",
        ISSUER_PHONE="0191-00-0000",
        ISSUER_REGISTRATION_NUMBER="T1234567890123",
        ISSUER_BANK_ACCOUNT="テスト銀行 本店 普通 1234567",
    )
    return environment


def production_settings() -> dict:
    """The settings module as a production process computes them, read in a fresh process."""
    code = (
        "import json, kairan.settings as s;"
        f"print(json.dumps({{name: getattr(s, name) for name in {PRODUCTION_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    values = json.loads(result.stdout)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture(scope="module")
def production() -> dict:
    return production_settings()


def csp_of(response) -> dict[str, list[str]]:
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        directive, *sources = part.split()
        policy[directive] = sources
    return policy


def source_allows(source: str, url: str) -> bool:
    """CSP source-expression matching, for the forms used here: 'self' is not handled."""
    scheme, _, rest = source.partition("://")
    pattern = re.escape(rest).replace(r"\*", r"[a-z0-9-]+")
    return re.match(rf"{re.escape(scheme)}://{pattern}(/|$)", url) is not None


def test_pages_on_both_hosts_forbid_inline_code_framing_and_foreign_forms() -> None:
    association = association_make(slug="nishiki")
    pages = [
        client_for().get("/"),
        client_for().get("/accounts/login/"),
        client_for(association).get("/"),
        client_for(association).get("/join/"),
        client_for(association).get("/accounts/login/"),
    ]
    for response in pages:
        assert response.status_code == 200
        policy = csp_of(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["form-action"][0] == "'self'"
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_djangos_debug_pages_stay_readable_in_development(settings) -> None:
    settings.DEBUG = True
    association = association_make(slug="debugging")
    missing = client_for(association).get("/no-such-page/")
    assert missing.status_code == 404
    assert "Content-Security-Policy" not in missing  # its inline style would be blocked
    assert "Content-Security-Policy" in client_for(association).get("/")


def test_form_action_lets_sign_up_end_on_the_new_associations_host() -> None:
    # Browsers check form-action on the redirect that follows a POST: a policy of 'self'
    # alone would stop the owner right after creating the association.
    owner = user_make()
    browser = client_for()
    browser.force_login(owner)
    response = browser.post(
        "/associations/new/",
        {"name": "錦町内会", "representative": "会長", "address": "一関市", "slug": "nishiki2"},
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("http://nishiki2.kairan.test/")
    policy = csp_of(response)
    assert any(source_allows(source, location) for source in policy["form-action"][1:])
    assert not source_allows(policy["form-action"][1], "http://evil.example/")
    assert not source_allows(policy["form-action"][1], "http://kairan.test.evil.example/")


# PDF templates are rendered by WeasyPrint on the server, never served to a browser.
TEMPLATES = sorted(path for path in (ROOT / "templates").rglob("*.html") if "pdf" not in path.parts)
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_nothing_the_policy_would_block(template: Path) -> None:
    text = template.read_text()
    for what, pattern in INLINE.items():
        assert not pattern.search(text), f"{what} in {template.name}: CSP blocks it"


def test_the_template_check_recognises_what_it_forbids() -> None:
    samples = {
        "inline script": '<script>alert(1)</script><script src="/s.js"></script>',
        "style element": "<style>p{}</style>",
        "style attribute": '<p style="color: red">',
        "event handler attribute": '<button onclick="go()">',
        "javascript: URL": '<a href="javascript:go()">',
    }
    for what, sample in samples.items():
        assert INLINE[what].search(sample), what
    assert not INLINE["inline script"].search('<script type="application/json">{}</script>')


def test_production_sends_hsts_and_redirects_plain_http(production) -> None:
    association = association_make(slug="hsts")
    with override_settings(**production):
        for host in ("kairan.test", host_of(association)):
            secure = Client(HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https").get("/")
            assert secure.status_code == 200
            assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
            plain = Client(HTTP_HOST=host).get("/join/")
            assert plain.status_code == 301
            assert plain["Location"] == f"https://{host}/join/"
        # Probes speak plain HTTP to the pod and are not redirected.
        assert Client(HTTP_HOST="10.0.0.9:8000").get("/healthz").status_code == 200
    # Development has no HSTS: a developer's browser must not pin localhost to HTTPS.
    assert "Strict-Transport-Security" not in client_for().get("/")


def test_production_cookies_are_secure_httponly_samesite_and_host_only(production) -> None:
    owner = user_make("kaicho@example.org", password="Hikari-2026!")
    association = association_make(slug="cookies", owner=owner)
    with override_settings(**production):
        browser = Client(HTTP_HOST=host_of(association), HTTP_X_FORWARDED_PROTO="https")
        browser.get("/accounts/login/")
        signed_in = browser.post(
            "/accounts/login/", {"login": "kaicho@example.org", "password": "Hikari-2026!"}
        )
        assert signed_in.status_code == 302
        browser.post("/i18n/setlang/", {"language": "en", "next": "/"})
        for name in ("sessionid", "csrftoken", "django_language"):
            cookie = browser.cookies[name]
            assert cookie["secure"] is True, name
            assert cookie["httponly"] is True, name
            assert cookie["samesite"] == "Lax", name
            # Host-only: a cookie of one association's host never goes to another's.
            assert cookie["domain"] == "", name


@pytest.mark.parametrize(
    "name", ["SECRET_KEY", "ADDRESS_KEYS", "ADDRESS_HASH_KEY", "DATABASE_URL", "REDIS_URL"]
)
def test_production_refuses_to_start_without_its_secrets_and_servers(name) -> None:
    # Without DATABASE_URL a container would quietly start an embedded PostgreSQL of its own.
    environment = _production_environment()
    del environment[name]
    result = subprocess.run(
        [sys.executable, "-c", "import kairan.settings"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert f"ImproperlyConfigured: Set the environment variable {name}." in result.stderr
