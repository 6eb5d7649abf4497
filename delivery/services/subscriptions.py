"""Residents joining, confirming and leaving (double opt-in, no staff work)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delivery.address_crypto import address_encrypt, address_hash
from delivery.addresses import token_make
from delivery.links import LinkError, link_token_read
from delivery.models import Delivery, Group, Subscriber
from delivery.services.outbound import deliveries_enqueue, delivery_create
from delivery.throttling import domain_class_of

# A second join for the same pending address within this time sends no new mail, so the form
# cannot be used to flood somebody's mailbox with confirmation requests.
CONFIRM_RESEND_AFTER = timedelta(minutes=10)


def subscriber_join(*, address: str, display_name: str, group_ids: list[int]) -> None:
    """Ask a resident to confirm their address. Answers the same whether it is known or not."""
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update().filter(email_hash=address_hash(address)).first()
        )
        if subscriber is not None and subscriber.status == Subscriber.Status.ACTIVE:
            return
        if subscriber is not None and _confirmation_recently_sent(subscriber):
            return
        if subscriber is None:
            key_id, ciphertext = address_encrypt(address)
            subscriber = Subscriber(
                email_key_id=key_id,
                email_ciphertext=ciphertext,
                email_hash=address_hash(address),
                domain_class=domain_class_of(address.rpartition("@")[2]),
            )
        subscriber.display_name = display_name.strip()
        subscriber.status = Subscriber.Status.PENDING
        subscriber.confirm_nonce = token_make()
        subscriber.save()
        subscriber.groups.set(Group.objects.filter(pk__in=group_ids, self_selectable=True))
        delivery = delivery_create(kind=Delivery.Kind.CONFIRM, subscriber=subscriber)
        deliveries_enqueue([delivery])


def _confirmation_recently_sent(subscriber: Subscriber) -> bool:
    return subscriber.deliveries.filter(
        kind=Delivery.Kind.CONFIRM, created_at__gte=timezone.now() - CONFIRM_RESEND_AFTER
    ).exists()


def subscriber_confirm(*, token: str) -> Subscriber:
    """Activate the subscriber a confirmation link was made for, once, and welcome them."""
    payload = link_token_read(
        purpose="confirm", token=token, max_age_seconds=settings.CONFIRM_LINK_DAYS * 86400
    )
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=payload["i"]).first()
        if subscriber is None:
            raise LinkError(_("この登録は見つかりません。もう一度お申し込みください。"), 404)
        if subscriber.status == Subscriber.Status.ACTIVE:
            raise LinkError(_("このリンクはすでに使われています。登録は完了しています。"), 410)
        if not payload["n"] or payload["n"] != subscriber.confirm_nonce:
            raise LinkError(
                _("このリンクは使えなくなりました。最新の確認メールのリンクをお使いください。"), 410
            )
        subscriber.status = Subscriber.Status.ACTIVE
        subscriber.confirm_nonce = ""
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save()
        delivery = delivery_create(kind=Delivery.Kind.WELCOME, subscriber=subscriber)
        deliveries_enqueue([delivery])
    return subscriber


def subscriber_unsubscribe(*, token: str) -> Subscriber:
    """Stop all mail to the subscriber an unsubscribe link was made for; safe to repeat."""
    payload = link_token_read(purpose="unsubscribe", token=token)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=payload["i"]).first()
        if subscriber is None:
            raise LinkError(_("この登録は見つかりません。すでに削除されています。"), 404)
        if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
            subscriber.status = Subscriber.Status.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.confirm_nonce = ""
            subscriber.save()
            subscriber.deliveries.filter(status=Delivery.Status.QUEUED).update(
                status=Delivery.Status.CANCELLED
            )
    return subscriber


def registrations_expire() -> int:
    """Delete pending subscriptions whose confirmation link has expired, with their address.

    An address that never confirmed is not kept: the resident may simply join again.
    """
    cutoff = timezone.now() - timedelta(days=settings.CONFIRM_LINK_DAYS)
    expired = Subscriber.objects.filter(status=Subscriber.Status.PENDING).exclude(
        deliveries__kind=Delivery.Kind.CONFIRM, deliveries__created_at__gte=cutoff
    )
    deleted, _ = expired.filter(created_at__lt=cutoff).delete()
    return deleted


def subscriber_groups_set(*, subscriber: Subscriber, group_ids: list[int]) -> Subscriber:
    """Staff put a resident (by display name) into groups, including staff-managed ones."""
    subscriber.groups.set(Group.objects.filter(pk__in=group_ids))
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
    return household
