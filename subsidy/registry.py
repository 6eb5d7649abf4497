"""The city's registry of associations (自治会等登録届) as a CSV file, and name matching. Pure.

Clerks keep the registry in Excel. Excel saves CSV as Shift_JIS (CP932) unless told to use
UTF-8, in which case it writes a byte-order mark; both must import. Names are matched after
normalising what differs between the registry and what an association typed: full- and
half-width forms, spaces, and the city's name in front (一関市○○自治会 = ○○自治会).
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HEADERS = {
    "registry_number": ("登録番号", "番号", "registry_number", "number"),
    "name": ("団体名", "自治会名", "名称", "name"),
    "representative": ("代表者", "代表者名", "代表者氏名", "representative"),
}
# Titles people put before a representative's name: 会長 山田太郎 is 山田太郎.
_TITLES = ("会長", "代表", "代表者", "区長", "町内会長", "自治会長", "理事長")


@dataclass(frozen=True)
class RegistryRow:
    registry_number: str
    name: str
    representative: str


def text_decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), else CP932 (Excel's "CSV" in Japanese Windows)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _(
                "ファイルの文字コードが読み取れません。ExcelでCSV（UTF-8）として保存し直してください。"
            )
        ) from error


def registry_parse(data: bytes) -> list[RegistryRow]:
    """Rows of a registry CSV with a header line naming 登録番号, 団体名 and 代表者."""
    reader = csv.reader(io.StringIO(text_decode(data)))
    lines = [row for row in reader if any(cell.strip() for cell in row)]
    if not lines:
        raise ValidationError(_("ファイルが空です。"))
    header = [unicodedata.normalize("NFKC", cell).strip().lower() for cell in lines[0]]
    columns: dict[str, int] = {}
    for key, names in HEADERS.items():
        for index, cell in enumerate(header):
            if cell in names:
                columns[key] = index
                break
    missing = [HEADERS[key][0] for key in ("registry_number", "name") if key not in columns]
    if missing:
        raise ValidationError(
            _("1行目に見出し（%(names)s）が必要です。") % {"names": "、".join(missing)}
        )
    rows: list[RegistryRow] = []
    seen: set[str] = set()
    for number, line in enumerate(lines[1:], start=2):

        def cell(key: str, line: list[str] = line) -> str:
            index = columns.get(key)
            return line[index].strip() if index is not None and index < len(line) else ""

        row = RegistryRow(
            unicodedata.normalize("NFKC", cell("registry_number")),
            cell("name"),
            cell("representative"),
        )
        if not row.registry_number or not row.name:
            raise ValidationError(
                _("%(line)d行目：登録番号と団体名は必ず入れてください。") % {"line": number}
            )
        if row.registry_number in seen:
            raise ValidationError(
                _("%(line)d行目：登録番号「%(number)s」が2回出てきます。")
                % {"line": number, "number": row.registry_number}
            )
        seen.add(row.registry_number)
        rows.append(row)
    return rows


def name_key(name: str, city_name: str = "") -> str:
    """「一関市 竹山町自治会」 and 「竹山町自治会」 give the same key."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    city = re.sub(r"\s+", "", unicodedata.normalize("NFKC", city_name or ""))
    if city and key.startswith(city) and len(key) > len(city):
        key = key[len(city) :]
    return key


def person_key(name: str) -> str:
    """「会長 山田 太郎」, 「山田　太郎」 and 「山田太郎」 give the same key."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    for title in sorted(_TITLES, key=len, reverse=True):
        if text.startswith(title) and len(text) > len(title):
            text = text[len(title) :]
            break
    return re.sub(r"\s+", "", text)
