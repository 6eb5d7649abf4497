"""Outgoing mail: delivery rows are written first, queued on commit, claimed, then sent.

The database is the truth and the queue a hint. A job names delivery rows; it claims the
ones still queued with a conditional UPDATE, so a job the broker delivers twice, or two jobs
naming one row, send nothing twice. A worker that dies leaves claimed rows behind: after
DELIVERY_LEASE_SECONDS the sweeper (`outbox_sweep`) puts them back in the queue, and gives
queued rows whose job was lost a new one. A job never works longer than half the lease, so
the sweeper never takes a row from a live worker.
"""

import logging
import time
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from billing.selectors import association_sending_allowed
from billing.services import usage_record_many
from delivery import tasks
from delivery.addresses import token_make
from delivery.composition import Composer
from delivery.models import Delivery, Notice, Subscriber
from delivery.registry.models import Outbox, Suppression
from delivery.selectors import reminders_answered
from delivery.throttling import GLOBAL, domain_class_get, rate_acquire
from delivery.transports import DeliveryRefused, TransportLost, transport_open
from tenants.connection import connection

logger = logging.getLogger(__name__)

# Messages per rate-limit claim: small enough to share a second fairly between workers.
_RATE_CHUNK = 10


class TransientDeliveryError(Exception):
    """Some mail could not be handed over for a reason that may pass; the job is retried."""


def delivery_fields(*, subscriber: Subscriber) -> dict[str, str]:
    """Per-row values fixed at creation: a retried send reuses them."""
    from email.utils import make_msgid

    return {
        "message_id": make_msgid(domain=settings.MAIL_DOMAIN),
        "token": token_make(),
        "domain_class": subscriber.domain_class,
    }


def delivery_create(
    *, kind: Delivery.Kind, subscriber: Subscriber, notice: Notice | None = None
) -> Delivery:
    return Delivery.objects.create(
        kind=kind, subscriber=subscriber, notice=notice, **delivery_fields(subscriber=subscriber)
    )


def deliveries_enqueue(deliveries: Iterable[Delivery]) -> None:
    """Queue jobs for these rows once the transaction that wrote them has committed.

    Rows are batched by recipient domain class, so each job keeps one carrier's limits.
    """
    by_class: dict[str, list[int]] = {}
    for delivery in deliveries:
        by_class.setdefault(delivery.domain_class, []).append(delivery.pk)
    # The sweeper visits only schemas listed here (a public table, seen through search_path).
    Outbox.objects.get_or_create(schema_name=connection.schema_name)
    size = settings.DELIVERY_BATCH_SIZE

    def enqueue() -> None:
        for ids in by_class.values():
            for start in range(0, len(ids), size):
                tasks.deliveries_send.send(ids[start : start + size])

    transaction.on_commit(enqueue)


def _claim(delivery_ids: Sequence[int]) -> list[int]:
    table = Delivery._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, claimed_at = now(), updated_at = now(), "  # noqa: S608 (table name from the model)
            "attempts = attempts + 1 WHERE id = ANY(%s) AND status = %s RETURNING id",
            [Delivery.Status.CLAIMED, list(delivery_ids), Delivery.Status.QUEUED],
        )
        return [row[0] for row in cursor.fetchall()]


def _still_wanted(delivery: Delivery) -> bool:
    """A notice goes to active subscribers only; a confirmation only to a pending one."""
    status = delivery.subscriber.status
    if delivery.kind == Delivery.Kind.CONFIRM:
        return status == Subscriber.Status.PENDING
    return status == Subscriber.Status.ACTIVE


def _usage_key(delivery_id: int) -> str:
    return f"delivery-{delivery_id}"


def _set(delivery_ids: Sequence[int], status: Delivery.Status, error: str = "") -> None:
    fields: dict[str, object] = {
        "status": status,
        "error": error[:200],
        "updated_at": timezone.now(),
    }
    if status == Delivery.Status.SENT:
        fields["sent_at"] = timezone.now()
    Delivery.objects.filter(pk__in=delivery_ids).update(**fields)


def deliveries_send(*, delivery_ids: Sequence[int]) -> int:
    """Send the queued deliveries among these ids; safe to run twice.

    Returns how many were handed to the mail server. A temporary failure (4xx, a dropped
    connection) puts rows back in the queue and raises TransientDeliveryError so the job is
    retried with backoff.
    """
    started = time.monotonic()
    association = connection.tenant
    if not association_sending_allowed(association=association):
        # Suspended for non-payment: nothing is sent and nothing is lost. The rows stay
        # queued and the sweeper gives them a job again once sending is allowed.
        return 0
    claimed = _claim(delivery_ids)
    if not claimed:
        return 0
    deliveries = list(
        Delivery.objects.filter(pk__in=claimed).select_related("subscriber", "notice")
    )
    suppressed = set(
        Suppression.objects.filter(
            address_hash__in=[d.subscriber.email_hash for d in deliveries]
        ).values_list("address_hash", flat=True)
    )
    # A reminder is for those who have not answered: one who answered since is not asked again.
    answered = reminders_answered(deliveries=deliveries)
    unwanted = [
        d.pk
        for d in deliveries
        if not _still_wanted(d) or d.subscriber.email_hash in suppressed or d.pk in answered
    ]

    _set(unwanted, Delivery.Status.CANCELLED)
    deliveries = [d for d in deliveries if d.pk not in set(unwanted)]
    domain_class = domain_class_get(deliveries[0].domain_class if deliveries else "")

    sent: list[int] = []
    retry: list[int] = []
    composer = Composer(association)
    with transport_open(per_connection=domain_class.per_connection) as transport:
        for position, delivery in enumerate(deliveries):
            if time.monotonic() - started > settings.DELIVERY_LEASE_SECONDS / 2:
                # Slow (throttled) batch: hand the rest to a new job before the lease ends.
                rest = [d.pk for d in deliveries[position:]]
                _set(rest, Delivery.Status.QUEUED)
                transaction.on_commit(lambda rest=rest: tasks.deliveries_send.send(rest))
                break
            if position % _RATE_CHUNK == 0:
                chunk = min(_RATE_CHUNK, len(deliveries) - position)
                rate_acquire(bucket=GLOBAL, count=chunk, per_second=settings.MAIL_RATE_PER_SECOND)
                rate_acquire(
                    bucket=domain_class.name, count=chunk, per_second=domain_class.per_second
                )
            try:
                transport.send(
                    mail=composer.compose(delivery),
                    record=lambda pk=delivery.pk: _set([pk], Delivery.Status.SENT),
                )
            except DeliveryRefused as refusal:
                # The server's text names the address; keep only its code.
                if refusal.temporary:
                    _set([delivery.pk], Delivery.Status.QUEUED, f"temporary failure {refusal.code}")
                    retry.append(delivery.pk)
                else:
                    _set([delivery.pk], Delivery.Status.FAILED, f"refused {refusal.code}")
            except TransportLost:
                rest = [d.pk for d in deliveries[position:]]
                _set(rest, Delivery.Status.QUEUED, "connection lost")
                retry.extend(rest)
                break
            else:
                sent.append(delivery.pk)
    usage_record_many(association=association, kind="mail", keys=[_usage_key(pk) for pk in sent])
    _notices_complete({d.notice_id for d in deliveries if d.notice_id})
    logger.info(
        "deliveries sent=%d retry=%d schema=%s", len(sent), len(retry), connection.schema_name
    )
    if retry:
        raise TransientDeliveryError(f"{len(retry)} deliveries will be retried")
    return len(sent)


def _notices_complete(notice_ids: set[int]) -> None:
    if not notice_ids:
        return
    unfinished = Delivery.objects.filter(
        notice=OuterRef("pk"), status__in=[Delivery.Status.QUEUED, Delivery.Status.CLAIMED]
    )
    Notice.objects.filter(pk__in=notice_ids, status=Notice.Status.SENDING).exclude(
        Exists(unfinished)
    ).update(status=Notice.Status.SENT, sent_at=timezone.now())


def outbox_sweep() -> int:
    """Take back claims of dead workers and re-queue rows whose job was lost, in the current
    schema; returns how many rows got a new job. Safe to run any time, any number of times."""
    lease = timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    now = timezone.now()
    Delivery.objects.filter(status=Delivery.Status.CLAIMED, claimed_at__lt=now - lease).update(
        status=Delivery.Status.QUEUED, updated_at=now
    )
    stale = list(
        Delivery.objects.filter(status=Delivery.Status.QUEUED, updated_at__lt=now - lease).only(
            "pk", "domain_class"
        )
    )
    if stale:
        Delivery.objects.filter(pk__in=[d.pk for d in stale]).update(updated_at=now)
        deliveries_enqueue(stale)
    if not association_sending_allowed(association=connection.tenant):
        return 0
    unfinished = Delivery.objects.filter(
        status__in=[Delivery.Status.QUEUED, Delivery.Status.CLAIMED]
    ).exists()
    outbox = Outbox.objects.filter(schema_name=connection.schema_name).first()
    if not unfinished and outbox is not None:
        # Meter again everything sent since the outbox opened: a worker that died between
        # sending and metering left mails unmetered; keys make the repeats count once.
        sent = Delivery.objects.filter(status=Delivery.Status.SENT, sent_at__gte=outbox.since)
        usage_record_many(
            association=connection.tenant,
            kind="mail",
            keys=[_usage_key(pk) for pk in sent.values_list("pk", flat=True)],
        )
        outbox.delete()
    _notices_complete(
        set(Notice.objects.filter(status=Notice.Status.SENDING).values_list("pk", flat=True))
    )
    return len(stale)
