"""The city's list as CSV for Excel.

Excel opens a CSV as UTF-8 only when the file starts with a byte-order mark; otherwise it
reads Shift_JIS and the Japanese turns to mojibake. Rows end in CRLF (RFC 4180 §2). Cells
that start with = + - @ would be run as formulas: they get a leading apostrophe (OWASP, "CSV
Injection"), since association names and reasons are typed by the public.
"""

import csv
import io
from collections.abc import Iterable
from datetime import date

from subsidy.models import Application
from subsidy.workflow import Status

COLUMNS = [
    "受付番号",
    "年度",
    "団体名",
    "代表者",
    "所在地",
    "状態",
    "申請日",
    "交付申請額",
    "交付決定日",
    "交付決定番号",
    "交付決定額",
    "実績報告日",
    "補助対象経費（実績）",
    "実績による算出額",
    "確定額",
    "額の確定日",
    "請求日",
    "支払日",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()  # Excel reads ISO dates as dates
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def applications_csv(applications: Iterable[Application]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for a in applications:
        writer.writerow(
            _cell(value)
            for value in (
                a.number,
                a.fiscal_year,
                a.applicant_name,
                f"{a.representative_title} {a.representative_name}",
                a.applicant_address,
                Status(a.status).label,
                a.submitted_on,
                a.requested_amount,
                a.decision_date,
                a.decision_number,
                a.granted_amount,
                a.reported_on,
                a.actual_eligible_cost,
                a.computed_amount,
                a.confirmed_amount,
                a.confirmed_on,
                a.claimed_on,
                a.paid_on,
            )
        )
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
