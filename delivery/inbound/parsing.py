"""An inbound RFC 5322 message as plain values: addresses, ids, decoded text, attachment sizes.

`mail_parse` never fails on broken MIME: a missing closing boundary, bad base64, a wrong or
unknown charset or a malformed header give a best-effort result, and what was wrong is listed
in `ParsedMail.defects`. It raises `MailParseError` only for input it refuses to read at all
(larger than `max_size`), because such a message must be rejected, not half-read.

Attachments are measured from their encoded form and never decoded, so a 20 MB file or a zip
bomb costs no more memory than the message itself already does.
"""

import re
import secrets
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from email.parser import BytesParser, HeaderParser
from email.policy import Compat32
from email.utils import getaddresses, parsedate_to_datetime
from functools import cached_property

from delivery.inbound.charsets import header_decode, text_decode
from delivery.inbound.html_text import html_text_extract

# Amazon SES accepts inbound messages up to 40 MB; nothing larger can reach us there.
MAX_SIZE_DEFAULT = 40 * 1024 * 1024
MAX_PARTS_DEFAULT = 100
# Text larger than this is no resident's reply; it is listed like an attachment instead.
MAX_TEXT_DEFAULT = 1024 * 1024
# Lines starting with "--" allowed per permitted part before the body is not parsed at all:
# the stdlib parser builds every part first and slows down badly with their number (a 2 MB
# message of 200,000 empty parts took 26 s), so max_parts alone would come too late.
_DELIMITER_LINES_PER_PART = 10

HeaderPairs = tuple[tuple[str, str], ...]


class MailParseError(Exception):
    """The message is refused before parsing (too large); the gateway should reject it."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    # Decoded size in bytes, computed from the encoded payload without decoding it.
    size: int


@dataclass(frozen=True)
class ParsedMail:
    subject: str
    from_address: str
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    # Envelope recipients recorded by the receiving MTAs: every Delivered-To (RFC 9228), then
    # X-Original-To, Envelope-To and X-Envelope-To.
    delivered_to: tuple[str, ...]
    reply_to: tuple[str, ...]
    # The envelope sender: "" for the null sender "<>" of bounces (RFC 5321 §4.5.5),
    # None when no Return-Path header was added.
    return_path: str | None
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    date: datetime | None
    # The top-level content type and, for multipart/report, its report-type (RFC 6522).
    content_type: str
    report_type: str
    # The best text body: the inline text/plain parts, else the HTML part made readable.
    text: str
    text_from_html: bool
    attachments: tuple[Attachment, ...]
    # Every top-level header, decoded, in order (names as sent).
    headers: HeaderPairs
    # The blocks of a message/delivery-status part (RFC 3464 §2.1), each a list of fields.
    delivery_status: tuple[HeaderPairs, ...]
    # Headers of the first enclosed message (text/rfc822-headers or message/rfc822).
    original_headers: HeaderPairs
    defects: tuple[str, ...] = ()
    raw_size: int = 0

    def header(self, name: str) -> str:
        """The first value of a top-level header, decoded; "" when absent."""
        values = self._header_index.get(name.lower())
        return values[0] if values else ""

    def header_all(self, name: str) -> tuple[str, ...]:
        """Every value of a top-level header, decoded, in order."""
        return tuple(self._header_index.get(name.lower(), ()))

    @cached_property
    def _header_index(self) -> dict[str, list[str]]:
        # cached_property writes the instance __dict__ directly, which a frozen dataclass allows.
        index: dict[str, list[str]] = {}
        for key, value in self.headers:
            index.setdefault(key.lower(), []).append(value)
        return index

    @property
    def recipients(self) -> tuple[str, ...]:
        """Every address the mail was delivered or addressed to, envelope first, no repeats."""
        seen: dict[str, None] = {}
        for address in (*self.delivered_to, *self.to, *self.cc):
            seen.setdefault(address, None)
        return tuple(seen)


class _RawHeaders(Compat32):
    """Header values exactly as received, so this module decodes them, not the stdlib.

    compat32 would turn an eight-bit header into an `email.header.Header` object with the
    "unknown-8bit" charset; the raw string keeps the bytes (as surrogate escapes) for
    `header_decode` to recognise.
    """

    def header_fetch_parse(self, name: str, value: str) -> str:
        return value


_POLICY = _RawHeaders()
# A run of base64 lines. Single character-class repeats only: a repeated group would make the
# regex engine keep one backtracking frame per line (75 MB for a 20 MB attachment).
_BASE64_RUN = re.compile(rb"^[A-Za-z0-9+/]{60,}\r?\n[A-Za-z0-9+/\r\n]*", re.MULTILINE)


def _base64_elide(raw: bytes, *, max_text: int, marker: bytes) -> bytes:
    """Replace base64 runs that decode to more than `max_text` bytes by a count of their
    characters, so the stdlib parser never holds them. It keeps every body line as a string
    of its own: without this a 28 MB message took about 250 MB to parse.

    Such a part is never decoded anyway (text over `max_text` is listed, not read); the
    marker carries a per-call random value, so a sender cannot forge a size with it.
    """
    pieces: list[bytes] = []
    position = 0
    for run in _BASE64_RUN.finditer(raw):
        start, end = run.span()
        end = raw.rfind(b"\n", start, end) + 1  # whole lines only
        characters = end - start - raw.count(b"\n", start, end) - raw.count(b"\r", start, end)
        if characters * 3 // 4 <= max_text:
            continue
        pieces += [raw[position:start], b"%s%d\r\n" % (marker, characters)]
        position = end
    if not pieces:
        return raw
    pieces.append(raw[position:])
    return b"".join(pieces)


_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_ENVELOPE_HEADERS = ("delivered-to", "x-original-to", "envelope-to", "x-envelope-to")


# RFC 5321 §4.5.3.1: a local part has at most 64 octets, a domain label 63.
_BARE_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")


def _addresses(values: list[str]) -> list[tuple[str, str]]:
    """(display name, address) pairs; names decoded after splitting, so a comma inside an
    encoded name cannot split it."""
    raw = [header_decode(value=value) if not value.isascii() else value for value in values]
    unfolded = [" ".join(value.split()) for value in raw]
    try:
        parsed = getaddresses(unfolded)
    except RecursionError:
        # The stdlib recurses once per nested comment: "((((…" exhausts the stack.
        parsed = [("", match) for value in unfolded for match in _BARE_ADDRESS.findall(value)]
    pairs = []
    for name, address in parsed:
        address = address.strip()
        if address or name:
            pairs.append((header_decode(value=name).strip(), address))
    return pairs


def _raw_all(message: Message, name: str) -> list[str]:
    return [str(value) for value in message.get_all(name, [])]


def _header_pairs(message: Message) -> HeaderPairs:
    return tuple((str(key), header_decode(value=str(value))) for key, value in message.items())


def _ids(value: str) -> tuple[str, ...]:
    return tuple(_MESSAGE_ID.findall(value))


def _payload(part: Message) -> list[Message] | str:
    try:
        payload = part.get_payload()
    except (ValueError, TypeError):
        # compat32 decodes an eight-bit payload with the part's charset parameter; an
        # eight-bit byte or a NUL in that parameter (or an RFC 2231 tuple) makes the codec
        # name itself unusable, and the stdlib catches only LookupError there.
        part.del_param("charset")
        payload = part.get_payload()
    if isinstance(payload, list):
        return [item for item in payload if isinstance(item, Message)]
    return payload if isinstance(payload, str) else ""


def _size_measure(part: Message, marker: str) -> int:
    """Decoded size from the encoded payload, in one pass of C string counting."""
    payload = _payload(part)
    if not isinstance(payload, str):
        # An enclosed message: its size is its encoded size, elided runs counted back in.
        try:
            enclosed = part.as_string(policy=_POLICY)
        except Exception:
            # A malformed enclosed message: its size is unknowable, not fatal.
            return 0
        runs = re.finditer(re.escape(marker) + r"(\d+)\r?\n?", enclosed)
        return len(enclosed) + sum(int(run.group(1)) - len(run.group(0)) for run in runs)
    encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    if encoding == "base64":
        elided = 0
        if marker in payload:
            elided_runs = re.findall(re.escape(marker) + r"(\d+)\r?\n?", payload)
            elided = sum(int(count) for count in elided_runs)
            payload = re.sub(re.escape(marker) + r"\d+\r?\n?", "", payload)
        # RFC 4648 §4: four characters carry three bytes; "=" pads the last group.
        noise = sum(payload.count(char) for char in "\r\n \t")
        characters = elided + len(payload) - noise
        padding = payload.rstrip("\r\n \t")[-2:].count("=")
        return max(0, characters * 3 // 4 - padding)
    if encoding == "quoted-printable":
        # RFC 2045 §6.7: "=XX" is one byte, "=" at a line end is a soft break (no byte).
        soft_crlf = payload.count("=\r\n")
        soft_lf = payload.count("=\n")
        escapes = payload.count("=") - soft_crlf - soft_lf
        return max(0, len(payload) - 2 * escapes - 3 * soft_crlf - 2 * soft_lf)
    if encoding in ("x-uuencode", "uuencode", "x-uue", "uue"):
        return len(payload) * 3 // 4  # roughly; never decoded
    # 7bit, 8bit, binary: the bytes themselves. get_payload() would have decoded eight-bit
    # text with the charset parameter, so its length counts characters, not bytes.
    data = part.get_payload(decode=True)
    return len(data) if isinstance(data, bytes) else 0


def _filename(part: Message) -> str:
    for header, key in (("content-disposition", "filename"), ("content-type", "name")):
        value = part.get_param(key, header=header)
        if isinstance(value, tuple):
            # RFC 2231 §4: charset'language'percent-encoded; the stdlib left the bytes as latin-1.
            charset, _language, text = value
            return text_decode(data=str(text).encode("latin-1", "replace"), charset=charset)
        if value:
            # Japanese clients put RFC 2047 words inside the quoted filename (not standard,
            # but what Outlook, Becky! and carrier mail send).
            return header_decode(value=str(value)).strip()
    return ""


def _is_attachment(part: Message, content_type: str) -> bool:
    disposition = str(part.get("content-disposition", "")).split(";", 1)[0].strip().lower()
    if disposition == "attachment":
        return True
    if content_type not in ("text/plain", "text/html"):
        return True
    return bool(part.get_param("filename", header="content-disposition"))


def _unflow(text: str, *, delsp: bool) -> str:
    """Join the soft line breaks of format=flowed text (RFC 3676 §4.2)."""
    out: list[str] = []
    out_depth = 0
    joining = False
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing (RFC 3676 §4.4)
        flowed = content.endswith(" ") and content != "-- "
        if delsp and flowed:
            content = content[:-1]
        if joining and out and depth == out_depth:
            out[-1] += content
        else:
            out.append(">" * depth + (" " if depth and content else "") + content)
            out_depth = depth
        joining = flowed
    return "\n".join(out)


def _text_of(part: Message, content_type: str, defects: list[str]) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    charset = part.get_param("charset")
    charset = charset if isinstance(charset, str) else None
    if content_type == "text/html" and not charset:
        meta = re.search(rb"""<meta[^>]+charset=["']?([-\w.:]+)""", data[:4096], re.IGNORECASE)
        charset = meta.group(1).decode("ascii") if meta else None
    text = text_decode(data=data, charset=charset).replace("\r\n", "\n").replace("\r", "\n")
    if "\ufffd" in text:
        defects.append(f"undecodable bytes in {content_type} ({charset or 'no charset'})")
    if content_type == "text/plain" and str(part.get_param("format", "")).lower() == "flowed":
        text = _unflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return text


def mail_parse(
    *,
    raw: bytes,
    max_size: int = MAX_SIZE_DEFAULT,
    max_parts: int = MAX_PARTS_DEFAULT,
    max_text: int = MAX_TEXT_DEFAULT,
) -> ParsedMail:
    """The decoded fields, best text and attachment list of a raw message; see module doc."""
    if len(raw) > max_size:
        raise MailParseError(f"message of {len(raw)} bytes exceeds the limit of {max_size}")
    marker = f"~kairan-elided-{secrets.token_hex(8)}~"
    elided = _base64_elide(raw, max_text=max_text, marker=marker.encode("ascii"))
    unread = ""
    if elided.count(b"\n--") > max_parts * _DELIMITER_LINES_PER_PART:
        unread = f"more than {max_parts} MIME parts; the body was not read"
    else:
        try:
            message = BytesParser(policy=_POLICY).parsebytes(elided)
        except RecursionError:
            # The stdlib parser recurses once per nesting level (about 3,000 levels fail).
            unread = "MIME parts nested too deep; the body was not read"
    if unread:
        message = BytesParser(policy=_POLICY).parsebytes(elided, headersonly=True)
    defects = [type(defect).__name__ for defect in message.defects]
    if unread:
        defects.append(unread)

    plain: list[str] = []
    html: list[str] = []
    attachments: list[Attachment] = []
    delivery_status: list[HeaderPairs] = []
    original_headers: HeaderPairs = ()
    # Iterative, bounded walk: deep nesting cannot exhaust the stack, many parts cannot
    # exhaust time. Parts inside an enclosed message/rfc822 are that message's, not ours.
    queue: deque[Message] = deque([] if unread else [message])
    visited: list[Message] = []
    while queue:
        part = queue.popleft()
        if len(visited) >= max_parts:
            defects.append(f"more than {max_parts} MIME parts; the rest were not read")
            break
        visited.append(part)
        content_type = part.get_content_type()
        payload = _payload(part)
        if content_type == "message/delivery-status" and isinstance(payload, list):
            delivery_status.extend(_header_pairs(block) for block in payload if len(block))
            continue
        if content_type.startswith("multipart/") and isinstance(payload, list):
            queue.extend(payload)
            continue
        if content_type == "message/rfc822" and isinstance(payload, list):
            if not original_headers and payload:
                original_headers = _header_pairs(payload[0])
            attachments.append(
                Attachment(_filename(part), content_type, _size_measure(part, marker))
            )
            continue
        if content_type == "text/rfc822-headers":
            if not original_headers and isinstance(payload, str):
                text = _text_of(part, content_type, defects)
                enclosed = HeaderParser(policy=_POLICY).parsestr(text.lstrip("\n"))
                original_headers = _header_pairs(enclosed)
            continue
        size = _size_measure(part, marker)
        if _is_attachment(part, content_type) or size > max_text:
            if size > max_text and not _is_attachment(part, content_type):
                defects.append(f"{content_type} part of {size} bytes listed, not read")
            attachments.append(Attachment(_filename(part), content_type, size))
            continue
        (plain if content_type == "text/plain" else html).append(
            _text_of(part, content_type, defects)
        )

    # Read after decoding: get_payload(decode=True) records bad base64 on the part.
    defects.extend(type(defect).__name__ for part in visited[1:] for defect in part.defects)
    text = "\n".join(chunk for chunk in plain if chunk.strip())
    from_html = False
    if not text.strip() and html:
        text = "\n".join(html_text_extract(html=chunk) for chunk in html)
        from_html = True

    senders = _addresses(_raw_all(message, "from"))
    from_name, from_address = senders[0] if senders else ("", "")
    return_paths = _raw_all(message, "return-path")
    date_value = str(message.get("date", "")).strip()
    try:
        date = parsedate_to_datetime(date_value) if date_value else None
    except (TypeError, ValueError, IndexError):
        date = None
        defects.append("unreadable Date header")
    report_type = message.get_param("report-type")
    message_id = " ".join(str(message.get("message-id", "")).split())
    headers = _header_pairs(message)
    return ParsedMail(
        subject=header_decode(value=str(message.get("subject", ""))).strip(),
        from_address=from_address,
        from_name=from_name,
        to=tuple(address for _, address in _addresses(_raw_all(message, "to")) if address),
        cc=tuple(address for _, address in _addresses(_raw_all(message, "cc")) if address),
        delivered_to=tuple(
            address
            for name in _ENVELOPE_HEADERS
            for _, address in _addresses(_raw_all(message, name))
            if address
        ),
        reply_to=tuple(
            address for _, address in _addresses(_raw_all(message, "reply-to")) if address
        ),
        return_path=(
            None
            if not return_paths
            else (_addresses(return_paths[:1]) or [("", "")])[0][1].strip("<>")
        ),
        # Some senders forget the angle brackets; keep their id rather than none.
        message_id=(_ids(message_id) or (message_id,))[0],
        in_reply_to=(_ids(str(message.get("in-reply-to", ""))) or ("",))[0],
        references=_ids(" ".join(_raw_all(message, "references"))),
        date=date,
        content_type=message.get_content_type(),
        report_type=report_type.lower() if isinstance(report_type, str) else "",
        text=text,
        text_from_html=from_html,
        attachments=tuple(attachments),
        headers=headers,
        delivery_status=tuple(delivery_status),
        original_headers=original_headers,
        defects=tuple(defects),
        raw_size=len(raw),
    )
