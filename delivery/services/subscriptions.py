"""Residents joining, confirming, changing their settings and leaving: no staff work.

Joining is double opt-in (by the web form or by mail to the association's address); the
answer to a join request never tells whether an address was known. Addresses on the
site-wide suppression list (permanent bounces, complaints) receive nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delivery.address_crypto import address_encrypt, address_hash
from delivery.addresses import token_make
from delivery.display_names import display_name_or
from delivery.links import LinkError, link_token_read
from delivery.models import Delivery, Group, Subscriber
from delivery.rate_limits import source_allowed
from delivery.registry.models import Suppression
from delivery.services.outbound import deliveries_enqueue, delivery_create
from delivery.throttling import domain_class_of
from tenants.models import StaffAction
from tenants.services import staff_action_record

# A second join for the same pending address within this time sends no new mail.
CONFIRM_RESEND_AFTER = timedelta(minutes=10)


class JoinRefused(Exception):
    """Too many join requests from one source; the caller answers 429."""


def subscriber_join(
    *, address: str, display_name: str, group_ids: list[int], source: str = ""
) -> None:
    """Ask a resident to confirm their address. Answers the same whether it is known or not."""
    if not source_allowed(source=source):
        raise JoinRefused(_("申し込みが多すぎます。しばらくしてから、もう一度お試しください。"))
    hashed = address_hash(address)
    if Suppression.objects.filter(address_hash=hashed).exists():
        return
    with transaction.atomic():
        # Two joins for one new address at once (a double click, a mail flood) must not both
        # insert: a transaction-scoped advisory lock on the address's hash serialises them.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [hashed])
        subscriber = Subscriber.objects.select_for_update().filter(email_hash=hashed).first()
        if subscriber is not None and subscriber.status == Subscriber.Status.ACTIVE:
            return
        if subscriber is not None and not _confirmation_may_be_sent(subscriber):
            return
        if subscriber is None:
            key_id, ciphertext = address_encrypt(address)
            subscriber = Subscriber(
                email_key_id=key_id,
                email_ciphertext=ciphertext,
                email_hash=hashed,
                domain_class=domain_class_of(address.rpartition("@")[2]),
            )
        # A join by mail passes From's display name, which is often the address itself.
        subscriber.display_name = display_name_or(display_name, _("メール登録者"))
        subscriber.status = Subscriber.Status.PENDING
        subscriber.confirm_nonce = token_make()
        subscriber.save()
        subscriber.groups.set(Group.objects.filter(pk__in=group_ids, self_selectable=True))
        deliveries_enqueue([delivery_create(kind=Delivery.Kind.CONFIRM, subscriber=subscriber)])


def _confirmation_may_be_sent(subscriber: Subscriber) -> bool:
    now = timezone.now()
    sent = subscriber.deliveries.filter(
        kind=Delivery.Kind.CONFIRM, created_at__gte=now - timedelta(days=1)
    )
    if sent.filter(created_at__gte=now - CONFIRM_RESEND_AFTER).exists():
        return False
    return sent.count() < settings.JOIN_CONFIRMATIONS_PER_DAY


def _activate(subscriber: Subscriber) -> Subscriber:
    """Pending → active, once; the confirmation link and reply address stop working."""
    subscriber.status = Subscriber.Status.ACTIVE
    subscriber.confirm_nonce = ""
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save()
    deliveries_enqueue([delivery_create(kind=Delivery.Kind.WELCOME, subscriber=subscriber)])
    return subscriber


def _confirm_link_read(token: str) -> dict:
    return link_token_read(
        purpose="confirm", token=token, max_age_seconds=settings.CONFIRM_LINK_DAYS * 86400
    )


def _confirmable(subscriber: Subscriber | None, payload: dict) -> Subscriber:
    """The subscriber if this link may still confirm them; LinkError saying why not."""
    if subscriber is None:
        raise LinkError(_("この登録は見つかりません。もう一度お申し込みください。"), 404)
    if subscriber.status == Subscriber.Status.ACTIVE:
        raise LinkError(_("このリンクはすでに使われています。登録は完了しています。"), 410)
    if not payload["n"] or payload["n"] != subscriber.confirm_nonce:
        raise LinkError(
            _("このリンクは使えなくなりました。最新の確認メールのリンクをお使いください。"), 410
        )
    return subscriber


def subscriber_confirm_check(*, token: str) -> Subscriber:
    """The subscriber a confirmation link would activate, without activating them; raises
    LinkError as confirming would (used, replaced, expired, unknown)."""
    payload = _confirm_link_read(token)
    return _confirmable(Subscriber.objects.filter(pk=payload["i"]).first(), payload)


def subscriber_confirm(*, token: str) -> Subscriber:
    """Activate the subscriber a confirmation link was made for, once, and welcome them."""
    payload = _confirm_link_read(token)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=payload["i"]).first()
        return _activate(_confirmable(subscriber, payload))


def subscriber_confirm_by_reply(*, nonce: str, sender: str) -> Subscriber | None:
    """Activate the pending subscriber whose confirmation mail this reply answers.

    Only a reply from the very address being confirmed counts: anyone can write to the
    reply address, but only the address's owner received it. Returns None when nothing
    was confirmed (unknown, expired or reused token, another sender).
    """
    cutoff = timezone.now() - timedelta(days=settings.CONFIRM_LINK_DAYS)
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update()
            .filter(
                confirm_nonce=nonce,
                status=Subscriber.Status.PENDING,
                deliveries__kind=Delivery.Kind.CONFIRM,
                deliveries__created_at__gte=cutoff,
            )
            .first()
        )
        if subscriber is None or subscriber.email_hash != address_hash(sender):
            return None
        return _activate(subscriber)


def _subscriber_by_link(token: str, purpose: str) -> Subscriber:
    payload = link_token_read(purpose=purpose, token=token)
    subscriber = Subscriber.objects.filter(pk=payload["i"]).first()
    if subscriber is None:
        raise LinkError(_("この登録は見つかりません。すでに削除されています。"), 404)
    return subscriber


def subscriber_unsubscribe(*, token: str) -> Subscriber:
    """Stop all mail to the subscriber an unsubscribe link was made for; safe to repeat."""
    with transaction.atomic():
        subscriber = _subscriber_by_link(token, "unsubscribe")
        if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
            subscriber.status = Subscriber.Status.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.confirm_nonce = ""
            subscriber.save()
            subscriber.deliveries.filter(status=Delivery.Status.QUEUED).update(
                status=Delivery.Status.CANCELLED, updated_at=timezone.now()
            )
    return subscriber


def subscriber_preferences_get(*, token: str) -> Subscriber:
    return _subscriber_by_link(token, "preferences")


def subscriber_preferences_set(
    *, token: str, display_name: str, group_ids: list[int]
) -> Subscriber:
    """A resident's own choice of display name and self-selectable groups; staff-managed
    groups (役員) stay as staff set them."""
    with transaction.atomic():
        subscriber = _subscriber_by_link(token, "preferences")
        subscriber.display_name = display_name_or(display_name, subscriber.display_name)
        subscriber.save(update_fields=["display_name"])
        kept = list(subscriber.groups.filter(self_selectable=False))
        chosen = list(Group.objects.filter(pk__in=group_ids, self_selectable=True))
        subscriber.groups.set([*kept, *chosen])
    return subscriber


def subscriber_erase(*, token: str) -> None:
    """Delete a resident entirely: the address, the name, their deliveries and replies."""
    with transaction.atomic():
        _subscriber_by_link(token, "preferences").delete()


def subscriber_groups_set(*, subscriber: Subscriber, group_ids: list[int]) -> Subscriber:
    """Staff put a resident (by display name) into groups, including staff-managed ones."""
    with transaction.atomic():
        subscriber.groups.set(Group.objects.filter(pk__in=group_ids))
        staff_action_record(
            action=StaffAction.Action.SUBSCRIBER_GROUPS,
            target=subscriber.display_name,
            target_id=subscriber.pk,
        )
    return subscriber


def paper_household_add(*, display_name: str, group_ids: list[int]) -> Subscriber:
    """A household without a phone: name and groups only; it gets notices on paper."""
    with transaction.atomic():
        household = Subscriber.objects.create(
            kind=Subscriber.Kind.PAPER,
            display_name=display_name.strip(),
            status=Subscriber.Status.ACTIVE,
            confirmed_at=timezone.now(),
        )
        household.groups.set(Group.objects.filter(pk__in=group_ids))
        staff_action_record(
            action=StaffAction.Action.PAPER_ADD,
            target=household.display_name,
            target_id=household.pk,
        )
    return household


def registrations_expire() -> int:
    """Delete pending subscriptions whose confirmation link has expired, with their address.

    An address that never confirmed is not kept: the resident may simply join again.
    """
    cutoff = timezone.now() - timedelta(days=settings.CONFIRM_LINK_DAYS)
    expired = Subscriber.objects.filter(
        status=Subscriber.Status.PENDING, created_at__lt=cutoff
    ).exclude(deliveries__kind=Delivery.Kind.CONFIRM, deliveries__created_at__gte=cutoff)
    deleted, _per_model = expired.delete()
    return deleted
