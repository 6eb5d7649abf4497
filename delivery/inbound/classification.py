"""What kind of mail came in: a bounce, an automatic reply, or a person writing.

Bounces are read first, because delivery status notifications are automatic replies too.
A bounce is an RFC 3464 DSN (`multipart/report; report-type=delivery-status`, RFC 6522), or one
of the older non-standard forms (qmail's "failure notice", carrier and Exchange notices) sent by
MAILER-DAEMON or postmaster or with the null return path. An automatic reply follows RFC 3834
(`Auto-Submitted`) or the de-facto headers and subjects of out-of-office responders; other
machine reports (read receipts, RFC 8098) are counted with them, since none of these is an answer.
"""

import enum
import re
from dataclasses import dataclass

from delivery.inbound.parsing import HeaderPairs, ParsedMail


class MailKind(enum.StrEnum):
    BOUNCE = "bounce"
    AUTO_REPLY = "auto_reply"
    HUMAN = "human"


@dataclass(frozen=True)
class BouncedRecipient:
    address: str
    # RFC 3464 §2.3.3: failed, delayed, delivered, relayed or expanded ("" when unknown).
    action: str
    # RFC 3463 enhanced status code, e.g. "5.1.1"; "" when the bounce states none.
    status: str
    diagnostic: str

    @property
    def permanent(self) -> bool:
        """RFC 3463 §3.1: class 5 is a permanent failure; 4 is transient, 2 is success."""
        return self.status.startswith("5")


@dataclass(frozen=True)
class BounceDetails:
    recipients: tuple[BouncedRecipient, ...]
    reporting_mta: str
    # Message-ID of the bounced message, when the bounce encloses its headers.
    original_message_id: str
    original_headers: HeaderPairs
    # True when read from a message/delivery-status part, False when guessed from prose.
    standard: bool

    @property
    def status(self) -> str:
        return self.recipients[0].status if self.recipients else ""

    @property
    def permanent(self) -> bool:
        """True when some recipient failed permanently; a bounce stating no status is not,
        so that no address is suppressed on a guess."""
        return any(recipient.permanent for recipient in self.recipients)


_DAEMON = re.compile(r"^(?:mailer-daemon|mailer_daemon|mail-daemon|maildaemon|postmaster)@", re.I)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered mail|returned mail|returned to sender|delivery status notification"
    r"|delivery (?:has )?fail|failure notice|mail delivery failed|delivery failure"
    r"|mail system error|message not delivered|could not be delivered|delayed mail"
    r"|warning: could not send|delivery notification"
    r"|配信不能|配送不能|配信エラー|配送エラー|送信エラー|配信失敗|配送失敗|宛先不明|不達"
    r"|届きませんでした|送信できませんでした|配信できませんでした|配送できませんでした",
    re.IGNORECASE,
)
# RFC 3834 §5 and the de-facto headers of auto-responders (Exchange, vacation, carriers).
_AUTO_HEADERS = ("x-autoreply", "x-autorespond", "x-auto-response-suppress", "x-autoreply-from")
_PRECEDENCE_AUTO = {"bulk", "junk", "list", "auto_reply", "auto-reply"}
# "不在" alone is an answer of the safety-confirmation question (無事 / 要支援 / 不在), so it
# counts only at the head of the subject as responders write it ("不在: Re: …", "【不在】…").
_AUTO_SUBJECT_ANYWHERE = re.compile(
    r"自動応答|自動返信|自動返答|自動送信メール|不在通知|不在のお?知らせ|不在連絡|不在のご連絡"
    r"|留守(?:中|にしております|のお?知らせ|番)|out of (?:the )?office|automatic reply"
    r"|auto[- ]?reply|auto[- ]?response|autoreply|vacation reply|away from (?:the )?office",
    re.IGNORECASE,
)
_AUTO_SUBJECT_HEAD = re.compile(
    r"^\s*[\[【［(（<]?\s*(?:不在|留守|休暇|vacation|absence)\s*(?:[\]】］)）>:：]|$)",
    re.IGNORECASE,
)
# RFC 3463 §2: class.subject.detail. In prose, a lone "x.y.z" may be a version or an IP address,
# so one that follows an SMTP reply code is preferred, then one standing apart from digits
# with a subject that RFC 3463 §3 defines (0–7): "Exim 4.96.2" is not a status.
_STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_SMTP_WITH_STATUS = re.compile(r"\b[45]\d\d[ -]#?([45]\.\d{1,3}\.\d{1,3})(?![\d.])")
_PROSE_STATUS = re.compile(r"(?<![\d.])#?([45]\.[0-7]\.\d{1,3})(?![\d.])")
# An SMTP reply (RFC 5321 §4.2): code, then text or an address, not a postal code "450-0002".
_SMTP_REPLY = re.compile(r"\b([45])\d\d(?:[ -](?=[A-Za-z<#(])|\s*$)", re.MULTILINE)
# Bounded repeats (RFC 5321 §4.5.3.1 sizes): an unbounded local part made a search of a long
# word quadratic, and bounce text comes from anyone.
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
_MESSAGE_ID_LINE = re.compile(
    r"^[ \t]*Message-ID:[ \t]*(<[^<>\s]{1,998}>)", re.IGNORECASE | re.MULTILINE
)


def _value(fields: HeaderPairs, name: str) -> str:
    for key, value in fields:
        if key.lower() == name:
            return " ".join(value.split())
    return ""


def _is_bounce(mail: ParsedMail) -> bool:
    if mail.content_type == "multipart/report" and mail.report_type == "delivery-status":
        return True
    if mail.delivery_status:
        return True
    daemon = bool(_DAEMON.match(mail.from_address))
    bounce_subject = bool(_BOUNCE_SUBJECT.search(mail.subject))
    if daemon and mail.from_address.lower().startswith("postmaster@"):
        # A postmaster is sometimes a person; require the subject of a notice as well.
        return bounce_subject
    return daemon or (mail.return_path == "" and bounce_subject)


def _is_auto_reply(mail: ParsedMail) -> bool:
    auto_submitted = mail.header("auto-submitted").split(";", 1)[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if any(mail.header(name).strip() for name in _AUTO_HEADERS):
        return True
    if mail.header("precedence").strip().lower() in _PRECEDENCE_AUTO:
        return True
    if mail.content_type == "multipart/report":
        # Read receipts (disposition-notification, RFC 8098) and other machine reports.
        return True
    return bool(
        _AUTO_SUBJECT_ANYWHERE.search(mail.subject) or _AUTO_SUBJECT_HEAD.match(mail.subject)
    )


def mail_classify(*, mail: ParsedMail) -> MailKind:
    """BOUNCE for delivery failures, AUTO_REPLY for responders and machine reports, else HUMAN."""
    if _is_bounce(mail):
        return MailKind.BOUNCE
    if _is_auto_reply(mail):
        return MailKind.AUTO_REPLY
    return MailKind.HUMAN


def _typed_address(value: str) -> str:
    # RFC 3464 §2.3.2: "rfc822; user@example.jp" (address-type; address).
    address = value.split(";", 1)[-1].strip()
    return address.strip("<>")


def _status_from_text(text: str) -> str:
    status = _SMTP_WITH_STATUS.search(text) or _PROSE_STATUS.search(text)
    if status:
        return status.group(1)
    reply = _SMTP_REPLY.search(text)
    # An SMTP reply code alone gives the class only (RFC 5321 §4.2.1): 550 → 5.0.0.
    return f"{reply.group(1)}.0.0" if reply else ""


def _original_message_id(mail: ParsedMail) -> str:
    message_id = _value(mail.original_headers, "message-id")
    if message_id:
        return message_id
    # Non-standard bounces often paste the original headers into their text.
    pasted = _MESSAGE_ID_LINE.search(mail.text)
    return pasted.group(1) if pasted else ""


def _standard_details(mail: ParsedMail) -> BounceDetails:
    per_message, *per_recipient = mail.delivery_status
    if not per_recipient and _value(per_message, "final-recipient"):
        per_message, per_recipient = (), [per_message]
    recipients = []
    for fields in per_recipient:
        address = _typed_address(_value(fields, "final-recipient")) or _typed_address(
            _value(fields, "original-recipient")
        )
        diagnostic = _value(fields, "diagnostic-code")
        status_match = _STATUS.search(_value(fields, "status"))
        status = status_match.group(0) if status_match else _status_from_text(diagnostic)
        recipients.append(
            BouncedRecipient(
                address=address,
                action=_value(fields, "action").lower(),
                status=status,
                diagnostic=diagnostic.split(";", 1)[-1].strip(),
            )
        )
    return BounceDetails(
        recipients=tuple(recipients),
        reporting_mta=_typed_address(_value(per_message, "reporting-mta")),
        original_message_id=_original_message_id(mail),
        original_headers=mail.original_headers,
        standard=True,
    )


def _prose_details(mail: ParsedMail) -> BounceDetails:
    """Best effort for bounces without a delivery-status part: the first address in the text
    that is not the sender's own, and the first status code or SMTP reply near it."""
    own = {mail.from_address.lower(), *(address.lower() for address in mail.recipients)}
    text = mail.text
    address, position = "", 0
    for match in _ADDRESS.finditer(text):
        candidate = match.group(0)
        if candidate.lower() not in own and not _DAEMON.match(candidate):
            address, position = candidate, match.start()
            break
    status = _status_from_text(text[position:]) or _status_from_text(text)
    delayed = bool(re.search(r"delay|遅延|retry|再試行|still being", mail.subject + text, re.I))
    return BounceDetails(
        recipients=(
            BouncedRecipient(
                address=address,
                action="delayed" if delayed and not status.startswith("5") else "failed",
                status=status,
                diagnostic="",
            ),
        )
        if address
        else (),
        reporting_mta="",
        original_message_id=_original_message_id(mail),
        original_headers=mail.original_headers,
        standard=False,
    )


def bounce_details(*, mail: ParsedMail) -> BounceDetails | None:
    """Failed recipients, status codes and the bounced message's id; None if not a bounce."""
    if not _is_bounce(mail):
        return None
    if mail.delivery_status:
        return _standard_details(mail)
    return _prose_details(mail)
