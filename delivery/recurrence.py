"""When a recurring notice (毎月1日, 毎週月曜) next falls due, as a pure function.

Times are wall-clock times in Asia/Tokyo (Japan has no daylight saving time). A monthly day
beyond the month's end means its last day: "every 31st" is 30 April, 28 or 29 February.
"""

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


def _monthly_on(year: int, month: int, day: int, at: time) -> datetime:
    last = calendar.monthrange(year, month)[1]
    return datetime.combine(date(year, month, min(day, last)), at, tzinfo=TOKYO)


def occurrence_next_monthly(*, day_of_month: int, at: time, after: datetime) -> datetime:
    """The first monthly occurrence strictly after `after`."""
    local = after.astimezone(TOKYO)
    candidate = _monthly_on(local.year, local.month, day_of_month, at)
    if candidate <= local:
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        candidate = _monthly_on(year, month, day_of_month, at)
    return candidate


def occurrence_next_weekly(*, weekday: int, at: time, after: datetime) -> datetime:
    """The first weekly occurrence (weekday 0 = Monday) strictly after `after`."""
    local = after.astimezone(TOKYO)
    days_ahead = (weekday - local.weekday()) % 7
    candidate = datetime.combine(local.date() + timedelta(days=days_ahead), at, tzinfo=TOKYO)
    if candidate <= local:
        candidate += timedelta(days=7)
    return candidate
