"""Shared fixtures: the platform's rows, hosts, a real SMTP listener, a real dramatiq worker."""

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import dramatiq
import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from dramatiq import Worker

from delivery.smtp_listener import smtp_listener_start
from kairan.mail_catcher import CaughtMail, caught_mail_list, mail_catcher_start
from tenants.connection import connection
from tenants.models import Association
from tenants.services import platform_bootstrap

KEPT_SCHEMAS = {"public", "information_schema", settings.TENANT_BASE_SCHEMA}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as `kairan setup` leaves it: public rows and a migrated template."""
    with django_db_blocker.unblock():
        platform_bootstrap()


@pytest.fixture(autouse=True)
def _fresh_database_connection(django_db_blocker) -> Iterator[None]:
    """A new database session for every test.

    Creating schemas inside a transaction that is then rolled back (what most tests do when
    they provision an association) leaves the server process's catalog caches ever larger:
    measured here, about 10 MB and a growing share of a second per association, so a long
    suite slowed to a crawl. Being autouse and independent of `db`, this fixture is torn down
    after the test's rollback, and closing the connection starts a fresh server process.
    """
    yield
    with django_db_blocker.unblock():
        connection.close()


@pytest.fixture(autouse=True)
def _public_schema_first() -> None:
    # A test client's request on an association's host leaves the connection in that schema.
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    # Host look-ups are cached per process; an association rolled back by an earlier test
    # must not answer for a new one with the same host name.
    caches["tenant_lookup"].clear()
    caches["default"].clear()


@pytest.fixture
def platform(db: None) -> None:
    platform_bootstrap()


def host_of(association: Association) -> str:
    return f"{association.slug}.{settings.BASE_DOMAIN}"


def client_for(association: Association | None = None) -> Client:
    """A browser on the public host, or on an association's host."""
    host = host_of(association) if association else settings.BASE_DOMAIN
    return Client(HTTP_HOST=host)


def notice_post(client: Client, data: dict, step: str = "send"):
    """Submit the compose form as staff do: by default "send now", after the review step."""
    return client.post("/staff/notices/new/", {"timing": "now", "step": step, **data})


STAFF_TOTP_SECRET = "KRSXG5CTMVZXEZLUKRSXG5CTMVZXEZLU"


def second_factor_pass(client: Client, user) -> None:
    """What a sign-in with an authenticator code leaves behind, for a client that signed in
    by force_login: the user has an activated TOTP authenticator (a known secret), and the
    session records a second factor the way allauth records one ("mfa" among the session's
    authentication methods). The forms themselves are tested in tests/tenants/test_mfa.py."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.test import RequestFactory

    from tenants.permissions import session_mfa_record

    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None:
        totp = TOTP.activate(user, STAFF_TOTP_SECRET).instance
    request = RequestFactory().get("/")
    request.session = client.session
    session_mfa_record(request, user, id=totp.pk, type=totp.type)
    request.session.save()


def staff_client(association: Association, user) -> Client:
    """Staff signed in on the association's host, owners with their second factor passed."""
    client = client_for(association)
    client.force_login(user)
    second_factor_pass(client, user)
    return client


@pytest.fixture
def transactional_platform(transactional_db: None) -> Iterator[None]:
    """For tests whose work is committed (worker threads read it): the platform's rows, and
    afterwards every association schema dropped, since flushing tables leaves schemas behind."""
    platform_bootstrap()
    yield
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%%'")
        for (schema,) in cursor.fetchall():
            if schema not in KEPT_SCHEMAS:
                cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')


class MailSink:
    """A real SMTP server on a free port, keeping what it receives in a folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def messages(self) -> list[CaughtMail]:
        return list(reversed(caught_mail_list(self.directory)))

    def wait_for(self, count: int, timeout: float = 15.0) -> list[CaughtMail]:
        """At least `count` messages, oldest first; then a short wait shows no more arrive."""
        deadline = time.monotonic() + timeout
        while len(self.messages()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} mails, got {len(self.messages())}")
            time.sleep(0.05)
        time.sleep(0.3)
        return self.messages()

    def to(self, address: str) -> list[CaughtMail]:
        return [m for m in self.messages() if m.message["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mail_sink(tmp_path: Path, settings) -> Iterator[MailSink]:
    port = _free_port()
    controller = mail_catcher_start(tmp_path / "mail", "127.0.0.1", port)
    # Django's test set-up swaps in an in-memory backend; these tests speak real SMTP.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    yield MailSink(tmp_path / "mail")
    controller.stop()


@pytest.fixture
def listener() -> Iterator[int]:
    """The SMTP listener residents' mail reaches (replies, mail sign-ups); yields its port."""
    port = _free_port()
    controller = smtp_listener_start(host="127.0.0.1", port=port, catch_dir=None)
    yield port
    controller.stop()


@pytest.fixture
def worker() -> Iterator[Worker]:
    """A real dramatiq worker on the real Redis broker, in this process's threads."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")
    broker = dramatiq.get_broker()
    broker.flush_all()
    worker = Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    yield worker
    worker.stop()


def jobs_finish(worker: Worker) -> None:
    for queue in worker.broker.get_declared_queues():
        worker.broker.join(queue, timeout=30_000)
    worker.join()
