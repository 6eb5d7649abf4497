"""The city's CSV opens in Excel: BOM, CRLF, ISO dates, no formulas from typed names."""

import csv
import io
from datetime import date

from subsidy.exports import applications_csv
from subsidy.models import Application


def test_csv_is_excel_ready_and_escapes_formulas() -> None:
    application = Application(
        pk=7,
        fiscal_year=2024,
        applicant_name='=HYPERLINK("http://evil")',
        applicant_address="一関市",
        representative_title="会長",
        representative_name="𠮷田 髙子",
        status="granted",
        submitted_on=date(2024, 5, 1),
        requested_amount=44_000,
        decision_date=date(2024, 6, 10),
        decision_number="一関市指令ま第101号",
        granted_amount=44_000,
    )
    data = applications_csv([application])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.count("\r\n") == 2 and "\n" not in text.replace("\r\n", "")
    header, row = list(csv.reader(io.StringIO(text)))
    record = dict(zip(header, row, strict=True))
    assert record["受付番号"] == "2024-00007"
    assert record["団体名"].startswith("'=")
    assert record["代表者"] == "会長 𠮷田 髙子"
    assert record["状態"] == "交付決定済み"
    assert record["交付決定日"] == "2024-06-10"
    assert record["交付決定額"] == "44000"
    assert record["確定額"] == ""
