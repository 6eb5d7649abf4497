"""The mail a delivery becomes: per-recipient text, links and list headers."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from delivery.address_crypto import address_decrypt
from delivery.links import link_token_make
from delivery.models import Delivery
from tenants.models import Association
from tenants.selectors import association_url


def join_address(association: Association) -> str:
    return f"{association.slug}@{settings.MAIL_DOMAIN}"


def unsubscribe_url(association: Association, subscriber_id: int) -> str:
    token = link_token_make(purpose="unsubscribe", subscriber_id=subscriber_id)
    return association_url(association, f"/unsubscribe/{token}/")


def delivery_message(delivery: Delivery, association: Association) -> EmailMessage:
    subscriber = delivery.subscriber
    leave_url = unsubscribe_url(association, subscriber.pk)
    context = {
        "association": association,
        "display_name": subscriber.display_name,
        "unsubscribe_url": leave_url,
        "home_url": association_url(association),
    }
    if delivery.kind == Delivery.Kind.CONFIRM:
        token = link_token_make(
            purpose="confirm", subscriber_id=subscriber.pk, nonce=subscriber.confirm_nonce
        )
        context["confirm_url"] = association_url(association, f"/confirm/{token}/")
        context["confirm_days"] = settings.CONFIRM_LINK_DAYS
        subject = _("メール配信登録の確認")
    elif delivery.kind == Delivery.Kind.WELCOME:
        subject = _("メール配信の登録が完了しました")
    else:
        context["notice"] = delivery.notice
        subject = delivery.notice.subject
    body = render_to_string(f"mail/{delivery.kind}.txt", context)
    headers = {
        "Message-ID": delivery.message_id,
        # RFC 2919: a stable identifier that mail clients can filter on.
        "List-Id": f"<{association.slug}.{settings.MAIL_DOMAIN}>",
        # RFC 2369 and RFC 8058 §3.1: one-click unsubscribe by POST to this URL.
        "List-Unsubscribe": f"<{leave_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    if delivery.kind != Delivery.Kind.NOTICE:
        # RFC 3834 §5: messages sent automatically, so auto-responders stay quiet.
        headers["Auto-Submitted"] = "auto-generated"
    return EmailMessage(
        subject=f"【{association.name}】{subject}",
        body=body,
        from_email=formataddr((association.name, join_address(association))),
        to=[address_decrypt(subscriber.email_key_id, subscriber.email_ciphertext)],
        headers=headers,
    )
