"""Japanese era dates (和暦) for official documents, as pure functions.

Official forms write 令和6年3月31日: no zero padding, and the first year of an era is 元年.
A fiscal year (年度) runs from 1 April to 31 March.
"""

from datetime import date

# (first day, era name), newest first.
_ERAS = [
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1868, 10, 23), "明治"),
]


def _era_year(day: date) -> tuple[str, int]:
    for start, name in _ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"{day} is before the Meiji era")


def _year_label(number: int) -> str:
    return "元" if number == 1 else str(number)


def wareki_date(day: date) -> str:
    """令和6年3月31日; 令和元年5月1日."""
    era, year = _era_year(day)
    return f"{era}{_year_label(year)}年{day.month}月{day.day}日"


def wareki_month(day: date) -> str:
    """令和6年6月: a month of service or of a billing period."""
    era, year = _era_year(day)
    return f"{era}{_year_label(year)}年{day.month}月"


def wareki_year(day: date) -> str:
    """The era year alone: 令和6年."""
    era, year = _era_year(day)
    return f"{era}{_year_label(year)}年"


def fiscal_year_of(day: date) -> int:
    """The Western year a fiscal year starts in: 31 March 2025 belongs to fiscal 2024."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_label(fiscal_year: int) -> str:
    """令和6年度 for the fiscal year starting 1 April 2024.

    A fiscal year takes the name of the calendar year it starts in, and a calendar year is
    named by the era in force at its end: fiscal 2019 began under 平成 but is 令和元年度, while
    fiscal 1988, when 平成 began in January 1989, stayed 昭和63年度.
    """
    era, year = _era_year(date(fiscal_year, 12, 31))
    return f"{era}{_year_label(year)}年度"
