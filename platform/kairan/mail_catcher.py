"""Development's local SMTP listener: every message it receives is kept as an .eml file.

It stands in for the residents' mailboxes in the demo and in tests, speaking real SMTP
(aiosmtpd), so outgoing mail goes through exactly the code path production uses.
"""

import email
import email.policy
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class MailCatcher:
    """aiosmtpd handler that writes each message, with its envelope recipients, to a folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd reads commands line by line, so pipelined commands work; real MTAs
        # (Postfix, SES) offer PIPELINING too, and the sender uses it when offered.
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        recipients = ", ".join(str(r) for r in envelope.rcpt_tos)
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        path = self.directory / name
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(f"X-Envelope-To: {recipients}\r\n".encode() + content)
        temporary.rename(path)  # readers never see a half-written file
        return "250 Message accepted"


def mail_catcher_start(directory: Path, host: str, port: int) -> Controller:
    controller = Controller(MailCatcher(directory), hostname=host, port=port)
    controller.start()
    return controller


@dataclass(frozen=True)
class CaughtMail:
    name: str
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""


def caught_mail_list(directory: Path) -> list[CaughtMail]:
    """Every kept message, newest first."""
    if not directory.exists():
        return []
    return [
        caught_mail_get(directory, path.name)
        for path in sorted(directory.glob("*.eml"), reverse=True)
        if path.is_file() and not path.is_symlink()
    ]


def caught_mail_get(directory: Path, name: str) -> CaughtMail:
    """One kept message by its file name; FileNotFoundError for anything but an .eml file
    directly in the folder ("..", ".", a separator, a link pointing out)."""
    path = (directory / name).resolve()
    if (
        name != Path(name).name
        or path.suffix != ".eml"
        or path.parent != directory.resolve()
        or not path.is_file()
    ):
        raise FileNotFoundError(name)
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return CaughtMail(name=path.name, message=message)
