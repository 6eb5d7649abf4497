from datetime import datetime, time

import pytest

from delivery.recurrence import TOKYO, occurrence_next_monthly, occurrence_next_weekly


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=TOKYO)


@pytest.mark.parametrize(
    ("day", "at", "after", "expected"),
    [
        (1, time(9), jst(2026, 12, 3, 10), jst(2027, 1, 1, 9)),
        (3, time(9), jst(2026, 12, 3, 8), jst(2026, 12, 3, 9)),
        (3, time(9), jst(2026, 12, 3, 9), jst(2027, 1, 3, 9)),  # strictly after
        (31, time(9), jst(2027, 4, 5), jst(2027, 4, 30, 9)),  # beyond the end: last day
        (31, time(9), jst(2028, 2, 1), jst(2028, 2, 29, 9)),  # leap year
        (30, time(9), jst(2027, 2, 1), jst(2027, 2, 28, 9)),
        (15, time(18, 30), jst(2026, 12, 31, 23), jst(2027, 1, 15, 18, 30)),
    ],
)
def test_monthly(day: int, at: time, after: datetime, expected: datetime) -> None:
    assert occurrence_next_monthly(day_of_month=day, at=at, after=after) == expected


def test_monthly_reads_utc_input_as_tokyo_wall_clock() -> None:
    from datetime import UTC

    # 2026-12-31 16:00 UTC is already 1 January 01:00 in Tokyo.
    after = datetime(2026, 12, 31, 16, tzinfo=UTC)
    assert occurrence_next_monthly(day_of_month=1, at=time(9), after=after) == jst(2027, 1, 1, 9)


@pytest.mark.parametrize(
    ("weekday", "at", "after", "expected"),
    [
        (0, time(7, 30), jst(2026, 12, 2, 12), jst(2026, 12, 7, 7, 30)),  # Wed → next Monday
        (0, time(7, 30), jst(2026, 12, 7, 7, 30), jst(2026, 12, 14, 7, 30)),  # strictly after
        (0, time(7, 30), jst(2026, 12, 7, 7), jst(2026, 12, 7, 7, 30)),  # later the same day
        (6, time(20), jst(2026, 12, 5, 21), jst(2026, 12, 6, 20)),  # Sat → Sun
    ],
)
def test_weekly(weekday: int, at: time, after: datetime, expected: datetime) -> None:
    assert occurrence_next_weekly(weekday=weekday, at=at, after=after) == expected
