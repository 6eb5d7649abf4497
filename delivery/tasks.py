"""Background jobs of the delivery app. The job middleware sets the schema before each runs;
the periodic ones (platform/kairan/periodic.py) run in the public schema and fan out.

Services import this module to queue jobs, so the actors import their services when they
run, not at import time.
"""

import dramatiq


@dramatiq.actor(max_retries=8, min_backoff=5_000, max_backoff=600_000)
def deliveries_send(delivery_ids: list[int]) -> None:
    """Send these deliveries; safe to run twice (rows are claimed by a conditional update)."""
    from delivery.services import outbound

    outbound.deliveries_send(delivery_ids=delivery_ids)


@dramatiq.actor(max_retries=3)
def notice_dispatch(notice_id: int) -> None:
    """Send a scheduled notice once due; safe to run twice and early."""
    from delivery.services import notices

    notices.notice_dispatch(notice_id=notice_id)


@dramatiq.actor(max_retries=0)
def outbox_sweep() -> None:
    """Re-queue work of dead workers in this schema; safe to run twice."""
    from delivery.services import outbound

    outbound.outbox_sweep()


@dramatiq.actor(max_retries=0)
def registrations_expire() -> None:
    """Delete expired pending subscriptions in this schema; safe to run twice."""
    from delivery.services import subscriptions

    subscriptions.registrations_expire()


@dramatiq.actor(max_retries=0)
def due_notices_dispatch() -> None:
    """Public schema: queue every due scheduled notice; safe to run twice."""
    from delivery.services import sweeps

    sweeps.due_notices_dispatch()


@dramatiq.actor(max_retries=0)
def outboxes_sweep() -> None:
    """Public schema: queue a sweep for every schema with mail in flight; safe to run twice."""
    from delivery.services import sweeps

    sweeps.outboxes_sweep()


@dramatiq.actor(max_retries=0)
def registrations_expire_all() -> None:
    """Public schema: queue the expiry of pending subscriptions everywhere; safe to run twice."""
    from delivery.services import sweeps

    sweeps.registrations_expire_all()


@dramatiq.actor(max_retries=5)
def inbound_route(message_id: int) -> None:
    """Public schema: route a received message; safe to run twice (it is deleted when done)."""
    from delivery.services import inbound

    inbound.inbound_route(message_id=message_id)


@dramatiq.actor(max_retries=3, time_limit=300_000)
def library_pages_render(file_id: int) -> None:
    """Render a library PDF's pages as images; safe to run twice (rows replaced at once)."""
    from delivery.services import library

    library.library_pages_render(file_id=file_id)
