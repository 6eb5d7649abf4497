"""Template filters for Japanese documents: 和暦 dates and yen amounts."""

from datetime import date, datetime

from django import template

from kairan.wareki import fiscal_year_label, wareki_date, wareki_month

register = template.Library()


@register.filter
def wareki(value: date | datetime | None) -> str:
    """{{ day|wareki }} → 令和6年3月31日."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return wareki_date(value)


@register.filter
def wareki_ym(value: date | datetime | None) -> str:
    """{{ day|wareki_ym }} → 令和6年6月."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return wareki_month(value)


@register.filter
def nendo(fiscal_year: int) -> str:
    """{{ 2024|nendo }} → 令和6年度."""
    return fiscal_year_label(int(fiscal_year))


@register.filter
def yen(amount: int | None) -> str:
    """{{ 44000|yen }} → 44,000 (integer yen, no decimals; negative with a minus sign)."""
    if amount is None:
        return ""
    return f"{int(amount):,}"
