"""The SMTP entrance of the inbound gateway (aiosmtpd), for self-hosting and the demo.

It accepts mail for the associations' addresses on MAIL_DOMAIN — refusing unknown
associations at RCPT time, so the sending server, not we, tells the sender — stores each
message and queues its routing (delivery.services.inbound). With `catch_dir` (development
only) it also accepts every other recipient and keeps those messages as .eml files: the
demo's stand-in for the residents' mailboxes.
"""

from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection

from delivery.addresses import recipient_route
from delivery.services.inbound import inbound_store
from kairan.mail_catcher import MailCatcher
from tenants.models import Association


def _association_exists(slug: str) -> bool:
    # Runs in an executor thread that no request cycle cleans up: close when done.
    try:
        return Association.objects.filter(slug=slug, is_template=False).exists()
    finally:
        connection.close()


class SmtpListener(MailCatcher):
    def __init__(self, *, catch_dir: Path | None = None) -> None:
        self.catch_dir = catch_dir
        if catch_dir is not None:
            super().__init__(catch_dir)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        target = recipient_route(address)
        if target is not None:
            exists = await sync_to_async(_association_exists, thread_sensitive=False)(target.slug)
            if not exists:
                return "550 5.1.1 No such recipient"
        elif self.catch_dir is None:
            return "550 5.7.1 Relaying denied"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        ours = [r for r in envelope.rcpt_tos if recipient_route(r) is not None]
        others = [r for r in envelope.rcpt_tos if recipient_route(r) is None]
        raw = envelope.original_content or b""
        if ours:
            peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer)
            await sync_to_async(_store, thread_sensitive=False)(
                raw, ours, str(envelope.mail_from or ""), peer
            )
        if others and self.catch_dir is not None:
            envelope.rcpt_tos = others
            return await super().handle_DATA(server, session, envelope)
        return "250 Message accepted"


def _store(raw: bytes, recipients: list[str], envelope_from: str, peer: str) -> None:
    try:
        inbound_store(raw=raw, recipients=recipients, envelope_from=envelope_from, source=peer)
    finally:
        connection.close()


def smtp_listener_start(*, host: str, port: int, catch_dir: Path | None) -> Controller:
    controller = Controller(
        SmtpListener(catch_dir=catch_dir),
        hostname=host,
        port=port,
        data_size_limit=settings.INBOUND_MAX_BYTES,
    )
    controller.start()
    return controller
