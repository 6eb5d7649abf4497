"""The mail a delivery becomes: per-recipient text, links, list headers, as RFC 5322 bytes.

A batch of deliveries mostly shares one text: what every recipient shares (the rendered
template, the encoded Subject and From) is built once per batch, and each recipient's mail is
assembled by substituting their name and links. Building every mail with the email package
costs more than sending it; this keeps fan-out at over a thousand mails a second.
"""

import base64
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from delivery.address_crypto import address_decrypt
from delivery.addresses import bounce_address, confirm_address, join_address, reply_address
from delivery.links import answer_link_make, link_token_make
from delivery.models import Delivery, Question
from tenants.models import Association
from tenants.selectors import association_url

# Stand-ins rendered into the shared text and replaced per recipient. Control characters
# cannot come from a template or a notice body (forms strip them), so they never collide.
_NAME = "\x01name\x01"
_UNSUBSCRIBE = "\x01unsubscribe\x01"
_CONFIRM = "\x01confirm\x01"
_PREFERENCES = "\x01preferences\x01"
_ARCHIVE = "\x01archive\x01"
_LIBRARY = "\x01library\x01"


def _answer(choice: int) -> str:
    return f"\x01answer{choice}\x01"


@dataclass(frozen=True)
class OutgoingMail:
    recipient: str
    envelope_from: str  # VERP: bounces name the delivery (delivery.addresses)
    data: bytes  # the whole message, CRLF line endings
    schema_name: str  # with `token`, tags the message at an ESP (SES events name it back)
    token: str


def unsubscribe_url(association: Association, subscriber_id: int) -> str:
    token = link_token_make(purpose="unsubscribe", subscriber_id=subscriber_id)
    return association_url(association, f"/unsubscribe/{token}/")


def preferences_url(association: Association, subscriber_id: int) -> str:
    token = link_token_make(purpose="preferences", subscriber_id=subscriber_id)
    return association_url(association, f"/me/{token}/")


def archive_url(association: Association, subscriber_id: int) -> str:
    token = link_token_make(purpose="archive", subscriber_id=subscriber_id)
    return association_url(association, f"/archive/{token}/")


def library_url(association: Association, subscriber_id: int) -> str:
    """The resident's library; a file's page is this URL followed by `<file id>/`."""
    token = link_token_make(purpose="library", subscriber_id=subscriber_id)
    return association_url(association, f"/library/{token}/")


def answer_url(association: Association, subscriber_id: int, notice_id: int, choice: int) -> str:
    token = answer_link_make(subscriber_id=subscriber_id, notice_id=notice_id, choice=choice)
    return association_url(association, f"/a/{token}/")


@dataclass(frozen=True)
class _Shared:
    body: str
    head: bytes  # headers every recipient of this text shares
    # Notices and reminders carry links to the resident's archive and library, and one link
    # per choice of the notice's question.
    resident_links: bool = False
    choices: int = 0


class Composer:
    """Composes the mails of one batch of one association's deliveries."""

    def __init__(self, association: Association) -> None:
        self.association = association
        self.slug = association.slug
        self._shared: dict[tuple[str, int | None], _Shared] = {}
        self._from = formataddr((association.name, join_address(self.slug)), charset="utf-8")

    def compose(self, delivery: Delivery) -> OutgoingMail:
        subscriber = delivery.subscriber
        shared = self._shared_for(delivery)
        leave_url = unsubscribe_url(self.association, subscriber.pk)
        body = (
            shared.body.replace(_NAME, subscriber.display_name)
            .replace(_UNSUBSCRIBE, leave_url)
            .replace(_PREFERENCES, preferences_url(self.association, subscriber.pk))
        )
        if shared.resident_links:
            body = body.replace(_ARCHIVE, archive_url(self.association, subscriber.pk)).replace(
                _LIBRARY, library_url(self.association, subscriber.pk)
            )
            for choice in range(shared.choices):
                url = answer_url(self.association, subscriber.pk, delivery.notice_id, choice)
                body = body.replace(_answer(choice), url)
        if delivery.kind == Delivery.Kind.CONFIRM:
            token = link_token_make(
                purpose="confirm", subscriber_id=subscriber.pk, nonce=subscriber.confirm_nonce
            )
            body = body.replace(_CONFIRM, association_url(self.association, f"/confirm/{token}/"))
            # Replying to the confirmation also confirms: 空メール登録 from a basic phone.
            reply_to = confirm_address(self.slug, subscriber.confirm_nonce)
        else:
            reply_to = reply_address(self.slug, delivery.token)
        recipient = address_decrypt(subscriber.email_key_id, subscriber.email_ciphertext)
        head = (
            f"Date: {formatdate(localtime=True)}\r\n"
            f"To: {recipient}\r\n"
            f"Message-ID: {delivery.message_id}\r\n"
            f"Reply-To: {reply_to}\r\n"
            # RFC 2369 and RFC 8058 §3.1: one-click unsubscribe by POST to this URL.
            f"List-Unsubscribe: <{leave_url}>\r\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
        ).encode("ascii")
        # Base64 keeps the UTF-8 text safe through servers without 8BITMIME.
        encoded = base64.encodebytes(body.encode("utf-8")).replace(b"\n", b"\r\n")
        return OutgoingMail(
            recipient=recipient,
            envelope_from=bounce_address(self.slug, delivery.token),
            data=shared.head + head + b"\r\n" + encoded,
            schema_name=self.association.schema_name,
            token=delivery.token,
        )

    def _shared_for(self, delivery: Delivery) -> _Shared:
        key = (delivery.kind, delivery.notice_id)
        if key not in self._shared:
            self._shared[key] = self._shared_build(delivery)
        return self._shared[key]

    def _shared_build(self, delivery: Delivery) -> _Shared:
        association = self.association
        context: dict[str, object] = {
            "association": association,
            "display_name": _NAME,
            "unsubscribe_url": _UNSUBSCRIBE,
            "preferences_url": _PREFERENCES,
            "home_url": association_url(association),
        }
        headers = []
        if delivery.kind == Delivery.Kind.CONFIRM:
            context.update(confirm_url=_CONFIRM, confirm_days=settings.CONFIRM_LINK_DAYS)
            subject = _("メール配信登録の確認")
        elif delivery.kind == Delivery.Kind.WELCOME:
            subject = _("メール配信の登録が完了しました")
        else:
            notice = delivery.notice
            question = Question.objects.filter(notice=notice).first()
            context.update(
                notice=notice,
                question=question,
                answer_links=[
                    (number, label, _answer(number - 1))
                    for number, label in enumerate(question.choices if question else [], 1)
                ],
                files=list(notice.library_files.order_by("title").only("pk", "title")),
                archive_url=_ARCHIVE,
                library_url=_LIBRARY,
            )
            subject = notice.subject
            if delivery.kind == Delivery.Kind.REMINDER:
                subject = _("ご回答のお願い：%(subject)s") % {"subject": subject}
        if delivery.kind in (Delivery.Kind.CONFIRM, Delivery.Kind.WELCOME):
            # RFC 3834 §5: sent automatically, so auto-responders stay quiet.
            headers.append("Auto-Submitted: auto-generated")
        encoded_subject = Header(f"【{association.name}】{subject}", "utf-8").encode(linesep="\r\n")
        head = "\r\n".join(
            [
                f"From: {self._from}",
                f"Subject: {encoded_subject}",
                # RFC 2919: a stable identifier that mail clients can filter on.
                f"List-Id: <{self.slug}.{settings.MAIL_DOMAIN}>",
                *headers,
                "MIME-Version: 1.0",
                'Content-Type: text/plain; charset="utf-8"',
                "Content-Transfer-Encoding: base64",
                "",
            ]
        )
        body = render_to_string(f"mail/{delivery.kind}.txt", context)
        return _Shared(
            body=body,
            head=head.encode("ascii"),
            resident_links="notice" in context,
            choices=len(context.get("answer_links", [])),
        )
