"""A notice's answers and replies as CSV for Excel, by display name only.

Excel opens a CSV as UTF-8 only when it starts with a byte-order mark; without one a Japanese
Windows reads Shift_JIS and the names turn to mojibake. Rows end in CRLF (RFC 4180 §2). A
cell that starts with = + - @ (or a tab or carriage return) would be run as a formula, and
names and replies are typed by residents: such cells get a leading apostrophe (OWASP, "CSV
Injection").
"""

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from delivery.models import Answer, Question, Reply
from delivery.selectors import Respondent

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value as Excel should see it: text that cannot start a formula, local times."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv(header: list[str], rows: Iterable[Iterable[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(csv_cell(value) for value in row)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def answers_csv(*, question: Question, respondents: list[Respondent]) -> bytes:
    """One row per person asked: name, how they receive notices, answer, how and when."""
    sources = dict(Answer.Source.choices)
    return _csv(
        [_("表示名"), _("受け取り方"), _("回答"), _("回答の方法"), _("回答日時"), _("備考")],
        (
            [
                person.display_name,
                _("紙") if person.paper else _("メール"),
                question.choices[person.choice] if person.choice is not None else _("未回答"),
                sources.get(person.source, ""),
                person.answered_at,
                _("登録と別のアドレスからの返信") if person.other_sender else "",
            ]
            for person in respondents
        ),
    )


def replies_csv(*, question: Question | None, replies: Iterable[Reply]) -> bytes:
    """One row per reply: name, when, subject, text (quotes and addresses removed), the
    answer read from it."""
    return _csv(
        [_("表示名"), _("受信日時"), _("件名"), _("本文"), _("読み取った回答"), _("備考")],
        (
            [
                reply.subscriber.display_name,
                reply.received_at,
                reply.subject,
                reply.text,
                question.choices[reply.choice]
                if question is not None and reply.choice is not None
                else "",
                "" if reply.sender_matches else _("登録と別のアドレスからの返信"),
            ]
            for reply in replies
        ),
    )
