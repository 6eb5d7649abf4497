"""The subsidy arithmetic: every vector and scenario of SUBSIDY.md, and the edges around them."""

from dataclasses import replace
from datetime import date

import pytest

from subsidy.calculations import (
    Category,
    CostLine,
    Prepayment,
    Rules,
    Verdict,
    billing_months,
    confirmed_amount,
    eligible_cost,
    estimate_build,
    line_assess,
    lines_assess,
    minimum_eligible_cost,
    planned_eligible_cost,
    subsidy_amount,
    whole_months,
)

# The brochure's program for 令和6年度 (1 April 2024 – 31 March 2025).
RULES = Rules(
    rate_numerator=2,
    rate_denominator=3,
    unit=1000,
    cap=50_000,
    eligible_cost_cap=75_000,
    eligible_categories=frozenset({Category.SETUP, Category.USAGE}),
    window_end=date(2025, 3, 31),
)
DECISION = date(2024, 6, 10)


@pytest.mark.parametrize(
    ("cost", "subsidy"),
    [
        (0, 0),
        (1_499, 0),
        (1_500, 1_000),
        (30_000, 20_000),
        (44_999, 29_000),
        (66_000, 44_000),
        (74_999, 49_000),
        (75_000, 50_000),
        (100_000, 50_000),
        # Edges of our own: one yen either side of each step, and far above the caps.
        (2_999, 1_000),
        (3_000, 2_000),
        (75_001, 50_000),
        (10**12, 50_000),
    ],
)
def test_subsidy_vectors(cost: int, subsidy: int) -> None:
    assert subsidy_amount(cost, RULES) == subsidy


def test_the_smallest_cost_that_yields_a_unit_is_1500() -> None:
    assert minimum_eligible_cost(RULES) == 1_500
    assert subsidy_amount(minimum_eligible_cost(RULES) - 1, RULES) == 0


def test_a_cap_that_is_not_a_whole_number_of_units_is_refused() -> None:
    with pytest.raises(ValueError):
        replace(RULES, cap=50_500)


def test_another_programs_rate_and_unit_come_from_its_rules() -> None:
    half = replace(RULES, rate_numerator=1, rate_denominator=2, unit=100, cap=30_000)
    assert subsidy_amount(12_345, half) == 6_100
    assert minimum_eligible_cost(half) == 200


@pytest.mark.parametrize("bad", [-1, 1.5, 1500.0, "1500", None, True])
def test_amounts_must_be_non_negative_integer_yen(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        subsidy_amount(bad, RULES)  # type: ignore[arg-type]  # a wrong type on purpose
    with pytest.raises((TypeError, ValueError)):
        CostLine(Category.USAGE, bad, DECISION)  # type: ignore[arg-type]  # a wrong type on purpose


def _monthly(amount: int, category: str, first: date, count: int, day: int = 25) -> list[CostLine]:
    lines = []
    for n in range(count):
        year, month = divmod(first.month - 1 + n, 12)
        paid = date(first.year + year, month + 1, day)
        lines.append(CostLine(category, amount, paid, paid.replace(day=1), paid))
    return lines


def test_scenario_a_only_usage_paid_after_the_decision_counts() -> None:
    lines = [
        CostLine(Category.SETUP, 33_000, date(2024, 5, 20)),  # before the decision
        *_monthly(3_300, Category.USAGE, date(2024, 6, 1), 10),  # June … March
        CostLine(Category.EQUIPMENT, 80_000, date(2024, 7, 1)),  # a PC
        *_monthly(5_500, Category.INTERNET, date(2024, 6, 1), 10),  # the internet line
    ]
    results = lines_assess(lines, rules=RULES, window_start=DECISION)
    assert results[0].verdict == Verdict.BEFORE_WINDOW
    assert {r.verdict for r in results[1:11]} == {Verdict.ELIGIBLE}
    assert {r.verdict for r in results[11:]} == {Verdict.EXCLUDED_CATEGORY}
    assert eligible_cost(results) == 33_000
    assert subsidy_amount(eligible_cost(results), RULES) == 22_000


def test_scenario_b_capped_base() -> None:
    lines = [
        CostLine(Category.SETUP, 22_000, date(2024, 6, 20)),
        *_monthly(5_500, Category.USAGE, date(2024, 6, 1), 10),
    ]
    cost = eligible_cost(lines_assess(lines, rules=RULES, window_start=DECISION))
    assert cost == 77_000
    assert subsidy_amount(cost, RULES) == 50_000


def test_scenario_c_confirmed_is_the_lesser_of_granted_and_computed() -> None:
    estimate = estimate_build(setup_fee=30_000, monthly_fee=3_000, months=10, tax_rate_percent=10)
    assert estimate.total == 66_000
    granted = subsidy_amount(planned_eligible_cost(estimate, RULES), RULES)
    assert granted == 44_000
    paid = [
        CostLine(Category.SETUP, 27_500, date(2024, 6, 20)),
        *_monthly(3_300, Category.USAGE, date(2024, 6, 1), 10),
    ]
    actual = eligible_cost(lines_assess(paid, rules=RULES, window_start=DECISION))
    assert actual == 60_500
    computed = subsidy_amount(actual, RULES)
    assert computed == 40_000
    assert confirmed_amount(granted=granted, computed=computed) == 40_000
    # Paying more than estimated never raises the amount above the grant.
    assert confirmed_amount(granted=granted, computed=50_000) == 44_000


def test_payment_on_the_decision_day_and_on_31_march_count() -> None:
    for day in (DECISION, date(2025, 3, 31)):
        assert (
            line_assess(
                CostLine(Category.USAGE, 3_300, day), rules=RULES, window_start=DECISION
            ).verdict
            == Verdict.ELIGIBLE
        )


def test_payment_after_31_march_does_not_count() -> None:
    result = line_assess(
        CostLine(Category.USAGE, 3_300, date(2025, 4, 1)), rules=RULES, window_start=DECISION
    )
    assert (result.counted, result.verdict) == (0, Verdict.AFTER_WINDOW)


def test_annual_prepayment_counts_whole_months_up_to_march_pro_rata() -> None:
    # A year from October paid in October: 6 of 12 months fall inside the fiscal year.
    line = CostLine(Category.USAGE, 39_600, date(2024, 10, 5), date(2024, 10, 1), date(2025, 9, 30))
    result = line_assess(line, rules=RULES, window_start=DECISION)
    assert (result.counted, result.verdict) == (19_800, Verdict.PRORATED)


def test_prorating_truncates_to_the_yen() -> None:
    # 7 months of 12 of ¥10,000 is 5,833.33…
    line = CostLine(Category.USAGE, 10_000, date(2024, 9, 1), date(2024, 9, 1), date(2025, 8, 31))
    assert line_assess(line, rules=RULES, window_start=DECISION).counted == 5_833


def test_a_program_may_count_prepayments_in_full() -> None:
    line = CostLine(Category.USAGE, 39_600, date(2024, 10, 5), date(2024, 10, 1), date(2025, 9, 30))
    rules = replace(RULES, prepayment=Prepayment.FULL)
    assert line_assess(line, rules=rules, window_start=DECISION).counted == 39_600


def test_tax_exclusive_program_counts_the_amount_without_tax() -> None:
    line = CostLine(Category.SETUP, 33_000, date(2024, 7, 1), tax=3_000)
    rules = replace(RULES, tax_inclusive=False)
    assert line_assess(line, rules=rules, window_start=DECISION).counted == 30_000
    assert line_assess(line, rules=RULES, window_start=DECISION).counted == 33_000


def test_a_cost_line_cannot_end_before_it_starts_or_carry_more_tax_than_amount() -> None:
    with pytest.raises(ValueError):
        CostLine(Category.USAGE, 1, date(2024, 7, 1), date(2024, 7, 1), date(2024, 6, 30))
    with pytest.raises(ValueError):
        CostLine(Category.USAGE, 100, date(2024, 7, 1), tax=101)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2024, 10, 1), date(2025, 9, 30), 12),
        (date(2024, 10, 1), date(2025, 3, 31), 6),
        (date(2024, 10, 15), date(2025, 3, 31), 5),
        (date(2024, 10, 15), date(2025, 4, 14), 6),
        (date(2024, 1, 15), date(2024, 2, 13), 0),
        (date(2024, 1, 15), date(2024, 2, 14), 1),
        (date(2024, 2, 1), date(2024, 2, 29), 1),
        (date(2024, 3, 20), date(2024, 4, 10), 0),
        (date(2024, 6, 1), date(2024, 5, 31), 0),
    ],
)
def test_whole_months(start: date, end: date, months: int) -> None:
    assert whole_months(start, end) == months


def test_billing_months_from_the_planned_start_to_march() -> None:
    assert billing_months(date(2024, 6, 10), date(2025, 3, 31)) == 10
    assert billing_months(date(2024, 4, 1), date(2025, 3, 31)) == 12
    assert billing_months(date(2025, 3, 31), date(2025, 3, 31)) == 1
    assert billing_months(date(2025, 4, 1), date(2025, 3, 31)) == 0


def test_estimate_tax_is_rounded_once_and_spread_so_lines_add_up() -> None:
    estimate = estimate_build(setup_fee=29_999, monthly_fee=2_999, months=7, tax_rate_percent=10)
    assert estimate.subtotal == 29_999 + 20_993
    assert estimate.tax == 5_099  # 5,099.2 truncated once, not 2,999 + 2,099 = 5,098
    assert sum(estimate.tax_by_line()) == estimate.tax
    by_category = estimate.amount_by_category(tax_inclusive=True)
    assert sum(by_category.values()) == estimate.total


def test_estimate_without_setup_fee_quotes_usage_only() -> None:
    estimate = estimate_build(
        setup_fee=30_000, monthly_fee=3_000, months=10, tax_rate_percent=10, include_setup=False
    )
    assert [line.category for line in estimate.lines] == [Category.USAGE]
    assert estimate.total == 33_000


def test_planned_cost_ignores_excluded_lines() -> None:
    estimate = estimate_build(setup_fee=30_000, monthly_fee=3_000, months=10, tax_rate_percent=10)
    other = [(Category.EQUIPMENT, 80_000), (Category.INTERNET, 55_000)]
    assert planned_eligible_cost(estimate, RULES, other) == 66_000
    tax_exclusive = replace(RULES, tax_inclusive=False)
    assert planned_eligible_cost(estimate, tax_exclusive) == 60_000
