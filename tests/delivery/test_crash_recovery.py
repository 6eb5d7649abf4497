"""Workers killed with SIGKILL in the middle of a 10,000-recipient notice, then restarted:
no mail is lost, and the only repeats are the few messages that were in flight at the kill
— sent again with the same Message-ID, which mailbox providers fold into one.

Exactly once is not possible when the database and the mail server are two systems (see
delivery/transports.py); at least once, with at most one repeat per worker thread killed,
is what this proves."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from delivery.audience import Audience
from delivery.models import Delivery
from delivery.services.notices import notice_create
from delivery.services.outbound import outbox_sweep
from tenants.models import Membership
from tests.conftest import _free_port
from tests.factories import association_make, subscribers_bulk_make

pytestmark = pytest.mark.usefixtures("transactional_platform")

ROOT = Path(__file__).resolve().parents[2]
RESIDENTS = 10_000
LEASE_SECONDS = 4
PROCESSES, THREADS = 2, 4


class _Tally:
    """An SMTP server that remembers who received what, in memory."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bytes]] = []
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_DATA(self, server, session, envelope) -> str:
        message_id = re.search(rb"(?m)^Message-ID: (\S+)", envelope.original_content).group(1)
        with self.lock:
            self.received.extend((rcpt, message_id) for rcpt in envelope.rcpt_tos)
        return "250 OK"


def _worker_start(smtp_port: int) -> subprocess.Popen:
    database = connection.settings_dict
    host = quote(database.get("HOST") or "", safe="")
    port = f":{database['PORT']}" if database.get("PORT") else ""
    password = f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else ""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kairan.settings_test",
        "DATABASE_URL": f"postgres://{database['USER']}{password}@{host}{port}/{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    command = [sys.executable, "-m", "dramatiq", "kairan.worker"]
    command += ["--processes", str(PROCESSES), "--threads", str(THREADS)]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return process


def test_sigkill_mid_notice_loses_nothing_and_repeats_only_what_was_in_flight(settings) -> None:
    settings.DELIVERY_LEASE_SECONDS = LEASE_SECONDS
    tally, smtp_port = _Tally(), _free_port()
    server = Controller(tally, hostname="127.0.0.1", port=smtp_port)
    server.start()

    association = association_make(slug="crash")
    owner = Membership.objects.get(association=association).user
    subscribers_bulk_make(association, RESIDENTS)

    import dramatiq

    dramatiq.get_broker().flush_all()
    first = _worker_start(smtp_port)
    second = None
    try:
        time.sleep(3)  # boot
        with tenant_context(association):
            notice = notice_create(
                author=owner, subject="全戸配布", body="本文", audience=Audience(everyone=True)
            )
        deadline = time.monotonic() + 120
        while len(tally.received) < RESIDENTS * 0.3:
            assert time.monotonic() < deadline, "the first worker never got going"
            time.sleep(0.05)
        os.killpg(first.pid, signal.SIGKILL)  # no goodbye: claims and prefetched jobs orphaned
        first.wait()
        killed_at = len(tally.received)
        assert killed_at < RESIDENTS

        second = _worker_start(smtp_port)
        deadline = time.monotonic() + 240
        with tenant_context(association):
            pending = Delivery.objects.filter(notice=notice, status__in=["queued", "claimed"])
            while pending.exists():
                assert time.monotonic() < deadline, f"{pending.count()} deliveries still pending"
                time.sleep(LEASE_SECONDS / 2)
                outbox_sweep()  # what the scheduler runs every minute
            statuses = Counter(
                Delivery.objects.filter(notice=notice).values_list("status", flat=True)
            )
        time.sleep(1)  # let the last replies land
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)
        server.stop()

    per_recipient = Counter(rcpt for rcpt, _ in tally.received)
    assert statuses == {"sent": RESIDENTS}
    assert len(per_recipient) == RESIDENTS, "some residents never got the notice"
    repeated = {rcpt for rcpt, count in per_recipient.items() if count > 1}
    assert max(per_recipient.values()) <= 2
    assert len(repeated) <= PROCESSES * THREADS, "more repeats than messages in flight"
    for rcpt in repeated:
        ids = {message_id for who, message_id in tally.received if who == rcpt}
        assert len(ids) == 1, "a repeat must carry the same Message-ID"
