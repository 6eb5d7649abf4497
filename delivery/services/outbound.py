"""Outgoing mail: delivery rows are written first, queued on commit, claimed, then sent."""

import logging
import smtplib
from collections.abc import Iterable
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from delivery import tasks
from delivery.composition import delivery_message
from delivery.models import Delivery, Notice, Subscriber

logger = logging.getLogger(__name__)


class TransientDeliveryError(Exception):
    """Some mail could not be handed over for a reason that may pass; the job is retried."""


def message_id_make() -> str:
    return make_msgid(domain=settings.MAIL_DOMAIN)


def delivery_create(
    *, kind: Delivery.Kind, subscriber: Subscriber, notice: Notice | None = None
) -> Delivery:
    return Delivery.objects.create(
        kind=kind, subscriber=subscriber, notice=notice, message_id=message_id_make()
    )


def deliveries_enqueue(delivery_ids: Iterable[int]) -> None:
    """Queue jobs for these rows once the transaction that wrote them has committed."""
    ids = list(delivery_ids)
    size = settings.DELIVERY_BATCH_SIZE

    def enqueue() -> None:
        for start in range(0, len(ids), size):
            tasks.deliveries_send.send(ids[start : start + size])

    transaction.on_commit(enqueue)


def _claim(delivery_ids: list[int]) -> list[int]:
    """Move queued rows to sending and return those this worker won.

    A conditional UPDATE is the lock: when the broker delivers the same job twice, or two
    jobs name the same row, only one UPDATE sees the row still queued.
    """
    table = Delivery._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, attempts = attempts + 1 "  # noqa: S608 (table name from the model)
            "WHERE id = ANY(%s) AND status = %s RETURNING id",
            [Delivery.Status.SENDING, delivery_ids, Delivery.Status.QUEUED],
        )
        return [row[0] for row in cursor.fetchall()]


def _still_wanted(delivery: Delivery) -> bool:
    """A notice goes to active subscribers only; a confirmation only to a pending one."""
    status = delivery.subscriber.status
    if delivery.kind == Delivery.Kind.CONFIRM:
        return status == Subscriber.Status.PENDING
    return status == Subscriber.Status.ACTIVE


def _finish(delivery: Delivery, status: Delivery.Status, error: str = "") -> None:
    fields = {"status": status, "error": error[:200]}
    if status == Delivery.Status.SENT:
        fields["sent_at"] = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(**fields)


def deliveries_send(*, delivery_ids: list[int]) -> int:
    """Send the queued deliveries among these ids over one SMTP connection; safe to run twice.

    Returns how many were handed to the mail server. A temporary failure (4xx, a dropped
    connection) puts the row back in the queue and raises, so the job is retried.
    """
    claimed = _claim(delivery_ids)
    if not claimed:
        return 0
    association = connection.tenant
    deliveries = list(
        Delivery.objects.filter(pk__in=claimed).select_related("subscriber", "notice")
    )
    sent, transient = 0, 0
    with get_connection() as smtp:
        for position, delivery in enumerate(deliveries):
            if not _still_wanted(delivery):
                _finish(delivery, Delivery.Status.CANCELLED)
                continue
            try:
                smtp.send_messages([delivery_message(delivery, association)])
            except smtplib.SMTPRecipientsRefused as error:
                # The refusal carries the address; keep only the server's code.
                code = next(iter(error.recipients.values()))[0]
                transient += _refused(delivery, code)
            except smtplib.SMTPResponseException as error:
                transient += _refused(delivery, error.smtp_code)
            except (smtplib.SMTPException, OSError):
                # The connection is gone: every row not yet sent goes back to the queue.
                rest = [d.pk for d in deliveries[position:]]
                Delivery.objects.filter(pk__in=rest, status=Delivery.Status.SENDING).update(
                    status=Delivery.Status.QUEUED, error="connection lost"
                )
                transient += len(rest)
                break
            else:
                _finish(delivery, Delivery.Status.SENT)
                sent += 1
    _notices_complete({d.notice_id for d in deliveries if d.notice_id})
    logger.info(
        "deliveries sent=%d transient=%d schema=%s", sent, transient, connection.schema_name
    )
    if transient:
        raise TransientDeliveryError(f"{transient} deliveries will be retried")
    return sent


def _refused(delivery: Delivery, code: int) -> int:
    """Record a refusal; returns 1 when it is temporary (RFC 5321 §4.2.1: 4yz) and requeued."""
    if 400 <= code < 500:
        _finish(delivery, Delivery.Status.QUEUED, f"temporary failure {code}")
        return 1
    _finish(delivery, Delivery.Status.FAILED, f"refused {code}")
    return 0


def _notices_complete(notice_ids: set[int]) -> None:
    if not notice_ids:
        return
    unfinished = Delivery.objects.filter(
        notice=OuterRef("pk"), status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
    )
    Notice.objects.filter(pk__in=notice_ids, status=Notice.Status.SENDING).exclude(
        Exists(unfinished)
    ).update(status=Notice.Status.SENT)
