"""Programs are data: the brochure's two editions, and rules read from the row."""

from datetime import date

import pytest
from django.db import IntegrityError

from subsidy.calculations import subsidy_amount
from subsidy.models import Program
from subsidy.selectors import program_open_list
from tests.factories import program_make


@pytest.mark.django_db
def test_the_brochures_two_editions_are_two_programs() -> None:
    programs = {p.fiscal_year: p for p in Program.objects.filter(city__name="一関市")}
    assert {2022, 2023} <= set(programs)
    assert programs[2022].window_end == date(2023, 3, 31)  # 令和5年3月31日
    assert programs[2023].window_end == date(2024, 3, 31)  # 令和6年3月31日
    for program in (programs[2022], programs[2023]):
        assert program.city.addressee == "一関市長"
        assert program.applications_open_on == date(program.fiscal_year, 4, 1)
        assert program.report_due_on == program.window_end
        assert program.tax_inclusive
        assert sorted(program.eligible_categories) == ["setup", "usage"]
        assert "equipment" in program.excluded_categories
        assert "internet" in program.excluded_categories
        assert subsidy_amount(75_000, program.rules()) == 50_000


@pytest.mark.django_db
def test_one_program_per_city_and_year() -> None:
    existing = Program.objects.get(fiscal_year=2023)
    existing.pk = None
    with pytest.raises(IntegrityError):
        existing.save()


@pytest.mark.django_db
def test_a_program_whose_dates_run_backwards_is_refused() -> None:
    with pytest.raises(IntegrityError):
        program_make(2030, applications_open_on=date(2031, 4, 1))


@pytest.mark.django_db
def test_open_programs_follow_the_japanese_calendar() -> None:
    program = program_make(2024)
    assert program not in program_open_list(today=date(2024, 3, 31))
    assert program in program_open_list(today=date(2024, 4, 1))
    assert program in program_open_list(today=date(2025, 3, 31))
    assert program not in program_open_list(today=date(2025, 4, 1))


def test_today_is_the_date_in_tokyo(settings) -> None:
    from datetime import UTC, datetime
    from unittest import mock

    from subsidy import clock

    # 31 March 2025 at 23:30 UTC is already 1 April in Japan: the new fiscal year.
    late = datetime(2025, 3, 31, 23, 30, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=late):
        assert clock.today() == date(2025, 4, 1)
