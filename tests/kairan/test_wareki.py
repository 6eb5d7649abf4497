from datetime import date

import pytest

from kairan.wareki import (
    fiscal_year_label,
    fiscal_year_of,
    wareki_date,
    wareki_month,
    wareki_year,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 3, 31), "令和6年3月31日"),
        (date(2023, 3, 31), "令和5年3月31日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(2024, 6, 10), "令和6年6月10日"),
    ],
)
def test_wareki_date(day: date, expected: str) -> None:
    assert wareki_date(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 6, 10), "令和6年6月"),
        (date(2019, 5, 1), "令和元年5月"),
        (date(2019, 4, 1), "平成31年4月"),
    ],
)
def test_wareki_month(day: date, expected: str) -> None:
    assert wareki_month(day) == expected


def test_wareki_year() -> None:
    assert wareki_year(date(2019, 12, 1)) == "令和元年"


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [(date(2024, 4, 1), 2024), (date(2025, 3, 31), 2024), (date(2024, 3, 31), 2023)],
)
def test_fiscal_year_of(day: date, fiscal_year: int) -> None:
    assert fiscal_year_of(day) == fiscal_year


@pytest.mark.parametrize(
    ("fiscal_year", "label"),
    [
        (2024, "令和6年度"),
        (2022, "令和4年度"),
        (2019, "令和元年度"),  # began under 平成31年, named 令和元年度
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),  # 平成 began in January 1989, inside this fiscal year
    ],
)
def test_fiscal_year_label(fiscal_year: int, label: str) -> None:
    assert fiscal_year_label(fiscal_year) == label
