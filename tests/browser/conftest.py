"""Browser tests: Playwright (the Python package) driving Debian's Chromium against a live
Kairan on the real database, a real dramatiq worker and a real SMTP sink.

Playwright's own browser download does not work here, so the browser is Debian's `chromium`
(`make test` installs it when run as root) started by path. Without it these tests are
skipped, with the reason, rather than failed. Host names: Chromium maps `kairan.test` and
every `*.kairan.test` to the live server's loopback address (--host-resolver-rules).

Screenshots go to test-artifacts/browser/<test>/ (gitignored), kept after the run.
"""

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from tests.conftest import _free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Site:
    """The live server's public host and association hosts, as a browser addresses them."""

    def __init__(self, port: int) -> None:
        self.port = port

    def url(self, path: str = "/", slug: str | None = None) -> str:
        host = f"{slug}.{django_settings.BASE_DOMAIN}" if slug else django_settings.BASE_DOMAIN
        return f"http://{host}:{self.port}{path}"


@pytest.fixture
def site(transactional_platform, settings) -> Iterator[Site]:
    """Kairan served by a live server thread on a free port, links in mails pointing at it."""
    port = _free_port()
    settings.SITE_PORT = port
    # The policy is built from the port (form-action names the association hosts): rebuild
    # it for this one, as production builds it for its own.
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": ["'self'", f"http://*.{settings.BASE_DOMAIN}:{port}"],
    }
    settings.MFA_TOTP_TOLERANCE = 1  # the next code in a row, instead of waiting 30 s
    server = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=port)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield Site(port)
    server.terminate()
    server.join()


@pytest.fixture
def browser(monkeypatch) -> Iterator[object]:
    path = chromium_path()
    if path is None:
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API keeps an event loop in this thread; Django refuses ORM
    # calls from a thread with a running loop unless told that this one is safe (the test
    # itself is synchronous; the server runs in its own thread).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    domain = django_settings.BASE_DOMAIN
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=path,
            args=[
                *CHROMIUM_FLAGS,
                f"--host-resolver-rules=MAP {domain} 127.0.0.1, MAP *.{domain} 127.0.0.1",
            ],
        )
        yield chromium
        chromium.close()
        # ORM calls made while Playwright's loop was active have connections of their own
        # (asgiref's Local follows the loop's context): close them, or the test database
        # cannot be dropped at the end of the run.
        connections.close_all()


@pytest.fixture
def shots(request) -> "Shots":
    return Shots(ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name))


class Shots:
    """Numbered full-page screenshots of one test, kept as artefacts."""

    def __init__(self, folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.folder, self.count = folder, 0

    def take(self, page, name: str) -> Path:
        self.count += 1
        name = re.sub(r"[^\w.-]+", "_", name)
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def csp_violations(page) -> list[str]:
    """Collect the page's Content-Security-Policy complaints from the console from now on."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def axe_available() -> None:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make test installs it with npm: tests/browser)")


def session_cookie(client, host: str) -> dict:
    """The Django test client's session, as a cookie for the browser on `host`."""
    return {
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "domain": host,
        "path": "/",
        "httpOnly": True,
        "sameSite": "Lax",
    }
