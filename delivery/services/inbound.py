"""The inbound gateway: every message for MAIL_DOMAIN, whichever way it came in (the SMTP
listener, Amazon SES), is stored, queued, then routed here.

Routing follows the envelope recipient (delivery.addresses) and what the message is
(delivery.inbound.classification):

- a bounce (RFC 3464) marks the delivery it names bounced and, when permanent, suppresses the
  address everywhere; it is recognised by the VERP token or by the bounced Message-ID;
- an auto-reply (RFC 3834, out-of-office, carrier notices) is ignored, wherever it was sent,
  so it can neither join nor confirm nor count as a reply;
- a person's mail to the join address asks for a subscription (空メール登録), to a
  confirmation's reply address confirms it, to a notice's reply address is a reply, and an
  answer when its first meaningful line names one of the notice's choices.

Nothing unknown, forged or expired is answered: no backscatter.
"""

import logging
from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from delivery import tasks
from delivery.address_crypto import address_hash
from delivery.addresses import Route, recipient_route
from delivery.inbound.classification import MailKind, bounce_details, mail_classify
from delivery.inbound.masking import addresses_mask
from delivery.inbound.parsing import MailParseError, ParsedMail, mail_parse
from delivery.inbound.quotes import reply_text_extract
from delivery.models import Delivery, Question, Reply, Subscriber
from delivery.registry.models import InboundMessage, Suppression
from delivery.services import answers
from delivery.services.subscriptions import (
    JoinRefused,
    subscriber_confirm_by_reply,
    subscriber_join,
)
from tenants.models import Association

logger = logging.getLogger(__name__)

# Tags on every message sent through SES, returned in its bounce and complaint events.
SES_TAG_SCHEMA = "kairan_schema"
SES_TAG_DELIVERY = "kairan_delivery"


class Outcome(StrEnum):
    JOIN = "join"
    CONFIRMED = "confirmed"
    REPLY = "reply"
    BOUNCE = "bounce"
    AUTO_REPLY = "auto_reply"
    DROPPED = "dropped"


def inbound_store(*, raw: bytes, recipients: list[str], envelope_from: str, source: str) -> int:
    """Keep a received message and queue its routing; returns its id."""
    with transaction.atomic():
        message = InboundMessage.objects.create(
            raw=raw, recipients=recipients, envelope_from=envelope_from, source=source
        )
        transaction.on_commit(lambda: tasks.inbound_route.send(message.pk))
    return message.pk


def inbound_route(*, message_id: int) -> list[Outcome]:
    """Route a stored message to the associations it was sent to, then forget it."""
    message = InboundMessage.objects.filter(pk=message_id).first()
    if message is None:  # routed already
        return []
    raw = bytes(message.raw)
    try:
        mail = mail_parse(raw=raw)
    except MailParseError:
        message.delete()
        return [Outcome.DROPPED]
    kind = mail_classify(mail=mail)
    outcomes = []
    for recipient in message.recipients:
        target = recipient_route(recipient)
        association = (
            Association.objects.filter(slug=target.slug, is_template=False).first()
            if target
            else None
        )
        if target is None or association is None:
            outcomes.append(Outcome.DROPPED)
            continue
        with tenant_context(association):
            outcomes.append(_route_one(target.route, target.token, mail, kind, raw, message))
    message.delete()
    logger.info("inbound message routed: %s", ",".join(outcomes))
    return outcomes


def _route_one(
    route: Route, token: str, mail: ParsedMail, kind: MailKind, raw: bytes, message: InboundMessage
) -> Outcome:
    if kind == MailKind.BOUNCE:
        return _bounce(token if route == Route.BOUNCE else "", mail)
    if kind == MailKind.AUTO_REPLY:
        return Outcome.AUTO_REPLY
    sender = mail.from_address
    if not sender or "@" not in sender:
        return Outcome.DROPPED
    if route == Route.JOIN:
        try:
            subscriber_join(
                address=sender, display_name=mail.from_name, group_ids=[], source=message.source
            )
        except JoinRefused:
            return Outcome.DROPPED
        return Outcome.JOIN
    if route == Route.CONFIRM:
        confirmed = subscriber_confirm_by_reply(nonce=token, sender=sender)
        return Outcome.CONFIRMED if confirmed else Outcome.DROPPED
    if route == Route.REPLY:
        return _reply(token, mail, raw)
    return Outcome.DROPPED


def _reply(token: str, mail: ParsedMail, raw: bytes) -> Outcome:
    """A resident's reply to a notice (or a reminder): kept for the notice's thread, and read
    as an answer when the notice asks a question. A reply from another address than the one
    the mail went to is accepted and flagged (README, "Replies, answers and the file
    library"): only the recipient's mailbox got the token, so it answers that delivery,
    typically from a family member's phone."""
    delivery = Delivery.objects.select_related("subscriber").filter(token=token).first()
    if delivery is None:
        return Outcome.DROPPED
    if not answers.answer_window_open(delivery=delivery):
        logger.info("reply to a delivery older than REPLY_ACCEPT_DAYS dropped")
        return Outcome.DROPPED
    if mail.message_id and delivery.replies.filter(message_id=mail.message_id[:300]).exists():
        return Outcome.REPLY  # the same message routed again after a retry
    question = (
        Question.objects.filter(notice_id=delivery.notice_id).first()
        if delivery.notice_id
        else None
    )
    with transaction.atomic():
        reply = Reply.objects.create(
            delivery=delivery,
            notice_id=delivery.notice_id,
            subscriber=delivery.subscriber,
            subject=addresses_mask(text=mail.subject[:300]),
            text=addresses_mask(text=reply_text_extract(text=mail.text)),
            sender_matches=address_hash(mail.from_address) == delivery.subscriber.email_hash,
            message_id=mail.message_id[:300],
            raw=raw,
        )
        if question is not None:
            answers.reply_answer_record(reply=reply, question=question)
    return Outcome.REPLY


def _bounce(token: str, mail: ParsedMail) -> Outcome:
    details = bounce_details(mail=mail)
    deliveries = Delivery.objects.select_related("subscriber")
    if token:
        delivery = deliveries.filter(token=token).first()
    elif details is not None and details.original_message_id:
        delivery = deliveries.filter(message_id=details.original_message_id).first()
    else:
        delivery = None
    if delivery is None or details is None:
        return Outcome.DROPPED
    if not details.permanent:
        Delivery.objects.filter(pk=delivery.pk).update(
            error=f"delayed {details.status}"[:200], updated_at=timezone.now()
        )
        return Outcome.BOUNCE
    bounce_record(delivery=delivery, reason=Suppression.Reason.BOUNCE, detail=details.status)
    return Outcome.BOUNCE


def bounce_record(*, delivery: Delivery, reason: Suppression.Reason, detail: str = "") -> None:
    """The address behind this delivery is dead, or its owner complained: stop mailing it,
    from every association. A complaint counts as leaving (解除), a bounce as undeliverable."""
    subscriber = delivery.subscriber
    status = (
        Subscriber.Status.BOUNCED
        if reason == Suppression.Reason.BOUNCE
        else Subscriber.Status.UNSUBSCRIBED
    )
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.BOUNCED,
            error=f"{reason} {detail}"[:200],
            updated_at=timezone.now(),
        )
        Subscriber.objects.filter(pk=subscriber.pk).update(status=status)
        if subscriber.email_hash:
            Suppression.objects.get_or_create(
                address_hash=subscriber.email_hash,
                defaults={"reason": reason, "detail": detail[:100]},
            )


def ses_event_record(*, event: dict) -> Outcome:
    """An SES bounce or complaint event (configuration set → SNS), matched to its delivery
    by the tags every message is sent with (delivery.transports.SesTransport)."""
    kind = event.get("eventType") or event.get("notificationType")
    tags = event.get("mail", {}).get("tags", {})
    schema = (tags.get(SES_TAG_SCHEMA) or [""])[0]
    token = (tags.get(SES_TAG_DELIVERY) or [""])[0]
    association = Association.objects.filter(schema_name=schema, is_template=False).first()
    if kind not in ("Bounce", "Complaint") or association is None or not token:
        return Outcome.DROPPED
    with tenant_context(association):
        delivery = Delivery.objects.select_related("subscriber").filter(token=token).first()
        if delivery is None:
            return Outcome.DROPPED
        if kind == "Complaint":
            bounce_record(delivery=delivery, reason=Suppression.Reason.COMPLAINT)
        elif event.get("bounce", {}).get("bounceType") == "Permanent":
            bounce_record(
                delivery=delivery,
                reason=Suppression.Reason.BOUNCE,
                detail=event["bounce"].get("bounceSubType", ""),
            )
    return Outcome.BOUNCE
