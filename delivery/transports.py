"""How a message leaves: SMTP (development, self-hosting) or Amazon SES's API.

A transport sends one message and calls `record()` once the server has accepted it (SMTP
250 after DATA, RFC 5321 §4.1.1.4; an SES MessageId). Delivery is therefore at least once:

- a worker killed before the server accepted the message has sent nothing (a server
  discards a message whose DATA never ended), and the message is sent again later;
- a worker killed after the server accepted it but before `record()` committed leaves a
  message that is sent again: one duplicate, with the same Message-ID, which mailbox
  providers such as Gmail fold into one.

No order of "tell the server" and "tell the database" closes both windows (they are two
systems; one of them always learns last). For a safety confirmation a duplicate is harmless
and a lost message is not, so the window left open is the duplicate one, and it is kept as
short as one reply and one commit.
"""

import re
import smtplib
import socket
import ssl
from collections.abc import Callable
from typing import Protocol

from django.conf import settings

from delivery.composition import OutgoingMail


class DeliveryRefused(Exception):
    """The server refused this one message, temporarily or for good; `code` is its status."""

    def __init__(self, code: int, *, temporary: bool) -> None:
        super().__init__(f"refused {code}")
        self.code = code
        self.temporary = temporary


class TransportLost(Exception):
    """The connection broke before the server accepted the message in flight."""

    def __init__(self) -> None:
        super().__init__("connection lost")


class Transport(Protocol):
    def __enter__(self) -> "Transport": ...

    def __exit__(self, *exc: object) -> None: ...

    def send(self, *, mail: OutgoingMail, record: Callable[[], None]) -> None: ...


_LEADING_DOT = re.compile(rb"(?m)^\.")


class SmtpTransport:
    """One SMTP session; reopened after `per_connection` messages (carrier limits)."""

    def __init__(self, per_connection: int) -> None:
        self.per_connection = max(1, per_connection)
        self.smtp: smtplib.SMTP | None = None
        self.sent_on_connection = 0

    def __enter__(self) -> "SmtpTransport":
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def _open(self) -> smtplib.SMTP:
        if self.smtp is not None and self.sent_on_connection < self.per_connection:
            return self.smtp
        self._close()
        try:
            if settings.EMAIL_USE_SSL:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT,
                    context=ssl.create_default_context(),
                )  # fmt: skip
            else:
                smtp = smtplib.SMTP(
                    settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT
                )
                if settings.EMAIL_USE_TLS:
                    smtp.starttls(context=ssl.create_default_context())
            # The body and the final "." are two writes before one read: with Nagle's
            # algorithm the "." waits for the peer's delayed ACK (tens of milliseconds).
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            smtp.ehlo_or_helo_if_needed()
            if settings.EMAIL_HOST_USER:
                smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        except (smtplib.SMTPException, OSError) as error:
            raise TransportLost() from error
        self.smtp, self.sent_on_connection = smtp, 0
        return smtp

    def _close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None

    def send(self, *, mail: OutgoingMail, record: Callable[[], None]) -> None:
        payload = _LEADING_DOT.sub(b"..", mail.data)
        if not payload.endswith(b"\r\n"):
            payload += b"\r\n"
        smtp = self._open()
        try:
            self._envelope(smtp, mail)
            smtp.send(payload + b".\r\n")
            code, _reply = smtp.getreply()
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self.smtp = None
            raise TransportLost() from error
        self.sent_on_connection += 1
        if code != 250:
            raise DeliveryRefused(code, temporary=400 <= code < 500)
        record()

    @staticmethod
    def _envelope(smtp: smtplib.SMTP, mail: OutgoingMail) -> None:
        """MAIL, RCPT and DATA; in one write when the server offers PIPELINING (RFC 2920),
        which saves two round trips a message."""
        commands = [
            f"MAIL FROM:{smtplib.quoteaddr(mail.envelope_from)}",
            f"RCPT TO:{smtplib.quoteaddr(mail.recipient)}",
            "DATA",
        ]
        if smtp.has_extn("pipelining"):
            smtp.send("".join(f"{command}\r\n" for command in commands))
            replies = [smtp.getreply()[0] for _ in commands]
        else:
            replies = []
            for command in commands:
                replies.append(smtp.docmd(command)[0])
                if replies[-1] >= 400:
                    break
        expected = ((250,), (250, 251), (354,))
        failed = next(
            (code for code, ok in zip(replies, expected, strict=False) if code not in ok), None
        )
        if failed is None:
            return
        if replies[-1] == 354:
            # DATA was accepted although the envelope was not: end it empty, then reset.
            smtp.send(".\r\n")
            smtp.getreply()
        smtp.rset()
        # RFC 5321 §4.2.1: 4yz replies are transient, 5yz permanent.
        raise DeliveryRefused(failed, temporary=400 <= failed < 500)


class SesTransport:
    """Amazon SES v2 through boto3, with the same raw bytes as SMTP: one call a message.

    The raw message (not a template) keeps one composition path for both transports.
    FeedbackForwardingEmailAddress is the VERP address: SES forwards bounces there.
    """

    def __init__(self) -> None:
        import boto3

        self.client = boto3.client("sesv2", region_name=settings.AWS_SES_REGION)

    def __enter__(self) -> "SesTransport":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def send(self, *, mail: OutgoingMail, record: Callable[[], None]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        from delivery.services.inbound import SES_TAG_DELIVERY, SES_TAG_SCHEMA

        try:
            self.client.send_email(
                Destination={"ToAddresses": [mail.recipient]},
                Content={"Raw": {"Data": mail.data}},
                FeedbackForwardingEmailAddress=mail.envelope_from,
                EmailTags=[
                    {"Name": SES_TAG_SCHEMA, "Value": mail.schema_name},
                    {"Name": SES_TAG_DELIVERY, "Value": mail.token},
                ],
                **(
                    {"ConfigurationSetName": settings.AWS_SES_CONFIGURATION_SET}
                    if settings.AWS_SES_CONFIGURATION_SET
                    else {}
                ),
            )
        except ClientError as error:
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 500))
            # Throttling (429) and server errors pass; MessageRejected (400) does not.
            raise DeliveryRefused(status, temporary=status == 429 or status >= 500) from error
        except BotoCoreError as error:  # no answer at all: nothing was accepted
            raise TransportLost() from error
        record()


def transport_open(*, per_connection: int) -> Transport:
    if settings.MAIL_TRANSPORT == "ses":
        return SesTransport()
    return SmtpTransport(per_connection)
