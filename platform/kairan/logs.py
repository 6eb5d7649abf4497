"""What Kairan adds to Python's logging: context on every line, and no email address, ever.

- `LogContextFilter` puts the association's schema (the schema the thread's database
  connection is in: set from the host in a request, from the message in a job) and the request
  id (`kairan.request_ids`) on every record.
- `AddressScrubFilter` replaces every email address in a record, its message, arguments,
  extra fields, traceback and stack, with `<address:ab12cd34>`: the first 8 hex digits of the
  address's blind index (HMAC-SHA256 under ADDRESS_HASH_KEY, as in
  `delivery.address_crypto.address_hash`), so an engineer can follow one address through the
  logs, and find its subscriber row by `email_hash`, without ever seeing it (DESIGN §2.2).
  It is attached to every handler in settings.LOGGING; it formats the traceback itself and
  drops `exc_info`, because formatters (python-json-logger among them) format `exc_info`
  again instead of using the cached text, and would print the raw one.
  The same filter replaces the token in residents' link paths (`/confirm/<token>/`,
  `/me/<token>/`, … see delivery/urls.py) with `…`: a token is the resident's only key (a
  /me/ token erases a subscription), and Django's `django.request` lines ("Gone: /confirm/…/")
  and error reports carry the path.
- `ClientErrorBriefFilter` drops the traceback Django attaches to its 4xx warnings.
- `AddressSafeAdminEmailHandler`: Django's error mail, whose report also holds request data
  (POST fields, headers) that never passed through a log record; its whole text is scrubbed.
- `JsonFormatter`: one JSON object per line (python-json-logger).
"""

import hashlib
import hmac
import logging
import re
from typing import Any

from django.conf import settings
from django.utils.log import AdminEmailHandler
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from kairan.request_ids import request_id_get
from tenants.connection import connection

# RFC 5322 atext and dots, then "@" (or "%40" in URLs), then an ASCII host name.
_ATEXT = r"A-Za-z0-9!#$%&'*+/=?^_`{|}~.-"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"[{_ATEXT}]+(?:@|%40)(?:{_LABEL}\.)*{_LABEL}", re.IGNORECASE)
# Second pass for what the first cannot see (a non-ASCII local part or domain): any remaining
# "@" between two runs of non-delimiters. Over-scrubbing is harmless; a leak is not.
_LOOSE = re.compile(r"[^\s<>()\[\]{}\\,;:\"'@]+(?:@|%40)[^\s<>()\[\]{}\\,;:\"'@]+", re.IGNORECASE)
_QUOTES = "'`"
_DELIMITERS = re.compile(r"['`=/?&](?=[^@%]*(?:@|%40))")
_PERCENT_AT = re.compile("%40", re.IGNORECASE)

# The routes whose next path segment is a signed link token: the residents' links
# (delivery/urls.py) and staff's one-time entry link (kairan/urls_tenant.py); a test walks
# the URL conf so that a new token route cannot be missed. Not /staff/library/<id>/ (an id).
_LINK_TOKEN = re.compile(
    r"(/(?:staff/enter|(?<!staff/)(?:confirm|unsubscribe|me|a|archive|library)))/[^/\s?#'\"<>]+"
)

_STANDARD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys() | {"message", "asctime"}
)
# Left as they are: Django's error mail needs the request object itself (its text is
# scrubbed there), and the JSON formatter does not print it.
_KEPT_OBJECTS = frozenset({"request"})


def _placeholder(address: str) -> str:
    normalized = _PERCENT_AT.sub("@", address).strip().lower()
    digest = hmac.new(
        settings.ADDRESS_HASH_KEY.encode(), normalized.encode(), hashlib.sha256
    ).hexdigest()
    return f"<address:{digest[:8]}>"


def _replace(match: re.Match[str]) -> str:
    text = match.group(0)
    address = text.lstrip(_QUOTES)  # a quote before the address is the repr's, not its own
    # The whole match goes, but the placeholder is computed from what follows the last
    # character that in a log line is far likelier a delimiter than part of the address
    # ("?email=", "/path/"), so the same address gets the same placeholder everywhere.
    hashed = _DELIMITERS.split(address)[-1]
    return text[: len(text) - len(address)] + _placeholder(hashed)


def address_scrub(text: str) -> str:
    """The text with every email address replaced by its placeholder."""
    if "@" not in text and not _PERCENT_AT.search(text):
        return text
    return _LOOSE.sub(_replace, _ADDRESS.sub(_replace, text))


def link_token_scrub(text: str) -> str:
    """The text with the token of every resident's link path replaced by `…`."""
    return _LINK_TOKEN.sub(r"\1/…", text)


def log_text_scrub(text: str) -> str:
    """The text without email addresses and without residents' link tokens."""
    return link_token_scrub(address_scrub(text))


def _scrub_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return log_text_scrub(value)
    if isinstance(value, list | tuple):
        return [_scrub_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_value(item) for key, item in value.items()}
    return log_text_scrub(str(value))


class AddressScrubFilter(logging.Filter):
    """Removes every email address and link token from a record before any handler formats it."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, dict):
            record.msg = _scrub_value(record.msg)
        else:
            record.msg = log_text_scrub(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = self._formatter.formatException(record.exc_info)
        record.exc_info = None
        if record.exc_text:
            record.exc_text = log_text_scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = log_text_scrub(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_ATTRS and key not in _KEPT_OBJECTS:
                setattr(record, key, _scrub_value(value))
        return True


class ClientErrorBriefFilter(logging.Filter):
    """A refused request (403, a 400) is one line, without the exception's traceback.

    Django logs such a response with the exception that caused it as exc_info
    (django.core.handlers.exception.response_for_exception → log_response(exception=...)), so
    every PermissionDenied printed a whole traceback. A refusal is expected, not a fault;
    5xx records keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class LogContextFilter(logging.Filter):
    """Adds `schema` and `request_id` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "schema"):
            try:
                record.schema = connection.schema_name
            except Exception:  # logging must never fail because the database layer did
                record.schema = "-"
        if not hasattr(record, "request_id"):
            record.request_id = request_id_get() or "-"
        return True


class AddressSafeAdminEmailHandler(AdminEmailHandler):
    """Django's error mail to ADMINS, scrubbed, plain text only.

    The scrub filter has already turned the exception into scrubbed text, so Django's report
    would have no traceback: it is added back here, as text.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs["include_html"] = False  # the HTML report lists local variables' values
        super().__init__(**kwargs)
        self._traceback = ""

    def emit(self, record: logging.LogRecord) -> None:
        # Handler.handle() holds the handler's lock around emit, so this is not shared.
        self._traceback = record.exc_text or ""
        super().emit(record)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return f"{text}\n\n{self._traceback}" if self._traceback else text

    def send_mail(self, subject: str, message: str, *args: Any, **kwargs: Any) -> None:
        kwargs["html_message"] = None
        super().send_mail(log_text_scrub(subject), log_text_scrub(message), *args, **kwargs)


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time, level, logger, message, schema, request_id, extras."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
            reserved_attrs=[*RESERVED_ATTRS, *_KEPT_OBJECTS],
            **kwargs,
        )
