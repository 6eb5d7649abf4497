"""A scheduled notice goes out on time on the real broker, and across a restart that loses
its delayed message (the per-minute sweep of the scheduler picks it up)."""

import time
from datetime import timedelta

import dramatiq
import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from dramatiq import Worker

from delivery.audience import Audience
from delivery.services.notices import notice_create
from delivery.services.sweeps import due_notices_dispatch
from tenants.models import Membership
from tests.conftest import jobs_finish
from tests.factories import association_make, subscriber_make

pytestmark = pytest.mark.usefixtures("transactional_platform")


def _schedule_in(seconds: float):
    association = association_make(slug="clock")
    subscriber_make(association, "佐藤", "sato@example.jp")
    owner = Membership.objects.get(association=association).user
    due = timezone.now() + timedelta(seconds=seconds)
    with tenant_context(association):
        notice_create(
            author=owner, subject="時刻どおり", body="本文",
            audience=Audience(everyone=True), scheduled_at=due,
        )  # fmt: skip
    return due


def _arrived(mail_sink, timeout: float) -> float:
    """Seconds since the epoch when the scheduled notice reached the sink."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any("時刻どおり" in m.message["Subject"] for m in mail_sink.messages()):
            return time.time()
        time.sleep(0.1)
    raise AssertionError("the scheduled notice never arrived")


def test_scheduled_notice_arrives_on_time(mail_sink, worker) -> None:
    due = _schedule_in(3)
    arrived = _arrived(mail_sink, timeout=30)
    assert 0 <= arrived - due.timestamp() < 10


def test_scheduled_notice_survives_a_restart_that_loses_its_delayed_job(mail_sink) -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")
    broker = dramatiq.get_broker()
    broker.flush_all()
    due = _schedule_in(2)
    # The worker, the scheduler and Redis's delayed message are all gone.
    broker.flush_all()
    time.sleep(max(0.0, due.timestamp() - time.time()) + 0.5)

    restarted = Worker(broker, worker_threads=2, worker_timeout=100)
    restarted.start()
    try:
        assert due_notices_dispatch() == 1  # what the scheduler does every minute
        jobs_finish(restarted)
        arrived = _arrived(mail_sink, timeout=30)
    finally:
        restarted.stop()
    assert arrived - due.timestamp() < 60
    assert sum("時刻どおり" in m.message["Subject"] for m in mail_sink.messages()) == 1
    assert due_notices_dispatch() == 0  # nothing left to do
