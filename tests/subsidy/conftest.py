from datetime import date

import pytest


class Calendar:
    """The date the subsidy's pages and services take as today (Asia/Tokyo)."""

    def __init__(self) -> None:
        self.day = date(2024, 5, 1)


@pytest.fixture
def calendar(monkeypatch) -> Calendar:
    calendar = Calendar()
    monkeypatch.setattr("subsidy.clock.today", lambda: calendar.day)
    return calendar
