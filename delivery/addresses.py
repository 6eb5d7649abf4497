"""The association's mail addresses on MAIL_DOMAIN, and how an incoming recipient is routed.

    <slug>@MAIL_DOMAIN              join: any mail here asks for a subscription (空メール登録)
    <slug>+c-<token>@MAIL_DOMAIN    reply to a confirmation mail: confirms the subscription
    <slug>+r-<token>@MAIL_DOMAIN    Reply-To of a delivered notice: a resident's reply
    <slug>+b-<token>@MAIL_DOMAIN    envelope sender (VERP) of a delivery: bounces come here

Tokens are random, lower-case base32, so they survive mail systems that fold the case of
local parts; a token names one delivery (or one pending subscription) and nothing else.
"""

import base64
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

TOKEN_LENGTH = 16
_LOCAL_RE = re.compile(
    r"^(?P<slug>[a-z][a-z0-9-]*[a-z0-9])(?:\+(?P<tag>[crb])-(?P<token>[a-z2-7]+))?$"
)


class Route(StrEnum):
    JOIN = "join"
    CONFIRM = "confirm"
    REPLY = "reply"
    BOUNCE = "bounce"


@dataclass(frozen=True)
class Recipient:
    slug: str
    route: Route
    token: str = ""


def token_make() -> str:
    return base64.b32encode(secrets.token_bytes(10)).decode().lower()


def join_address(slug: str) -> str:
    return f"{slug}@{settings.MAIL_DOMAIN}"


def confirm_address(slug: str, token: str) -> str:
    return f"{slug}+c-{token}@{settings.MAIL_DOMAIN}"


def reply_address(slug: str, token: str) -> str:
    return f"{slug}+r-{token}@{settings.MAIL_DOMAIN}"


def bounce_address(slug: str, token: str) -> str:
    return f"{slug}+b-{token}@{settings.MAIL_DOMAIN}"


_TAGS = {"c": Route.CONFIRM, "r": Route.REPLY, "b": Route.BOUNCE}


def recipient_route(address: str) -> Recipient | None:
    """Which association and purpose an address on MAIL_DOMAIN names; None if it names none."""
    local, _, domain = address.strip().strip("<>").lower().rpartition("@")
    if domain != settings.MAIL_DOMAIN:
        return None
    match = _LOCAL_RE.match(local)
    if match is None:
        return None
    tag = match.group("tag")
    if tag is None:
        return Recipient(slug=match.group("slug"), route=Route.JOIN)
    return Recipient(slug=match.group("slug"), route=_TAGS[tag], token=match.group("token"))
