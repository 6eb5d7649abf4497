"""Signed links for residents, who have no accounts: confirm, unsubscribe, settings, the
archive and library, one-click answers.

A link names its association's schema, its purpose (the salt) and the subscriber; a link made
for one association or purpose is refused by every other.
"""

from django.core import signing
from django.utils.translation import gettext as _

from tenants.connection import connection


class LinkError(Exception):
    """A link that cannot be used, with the message and HTTP status to show the resident."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def link_token_make(*, purpose: str, subscriber_id: int, nonce: str = "") -> str:
    payload = {"s": connection.schema_name, "i": subscriber_id, "n": nonce}
    return signing.dumps(payload, salt=f"kairan.{purpose}")


def answer_link_make(*, subscriber_id: int, notice_id: int, choice: int) -> str:
    """A one-click answer: signed for one subscriber, one notice and one choice. It has no
    expiry of its own; the notice's answering period (REPLY_ACCEPT_DAYS) applies."""
    return link_token_make(
        purpose="answer", subscriber_id=subscriber_id, nonce=f"{notice_id}.{choice}"
    )


def link_token_read(*, purpose: str, token: str, max_age_seconds: int | None = None) -> dict:
    """The payload of a valid link for this association; raises LinkError otherwise."""
    try:
        payload = signing.loads(token, salt=f"kairan.{purpose}", max_age=max_age_seconds)
    except signing.SignatureExpired as error:
        raise LinkError(
            _("このリンクの有効期限が切れています。お手数ですが、もう一度お申し込みください。"), 410
        ) from error
    except signing.BadSignature as error:
        raise LinkError(
            _("このリンクは正しくありません。メールのリンクをそのままお使いください。"), 400
        ) from error
    if payload.get("s") != connection.schema_name:
        raise LinkError(
            _("このリンクは正しくありません。メールのリンクをそのままお使いください。"), 400
        )
    return payload
