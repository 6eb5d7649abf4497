"""Properties the subsidy arithmetic keeps for every cost (hypothesis)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from subsidy.calculations import (
    Category,
    CostLine,
    Rules,
    line_assess,
    minimum_eligible_cost,
    subsidy_amount,
)

RULES = Rules(
    rate_numerator=2,
    rate_denominator=3,
    unit=1000,
    cap=50_000,
    eligible_cost_cap=75_000,
    eligible_categories=frozenset({Category.SETUP, Category.USAGE}),
    window_end=date(2025, 3, 31),
)
costs = st.integers(min_value=0, max_value=10**9)
rules = st.builds(
    lambda num, den, unit, caps, cost_cap: Rules(
        rate_numerator=num,
        rate_denominator=max(den, num),
        unit=unit,
        cap=caps * unit,
        eligible_cost_cap=cost_cap,
        eligible_categories=frozenset({Category.SETUP}),
        window_end=date(2025, 3, 31),
    ),
    st.integers(1, 10),
    st.integers(1, 10),
    st.sampled_from([1, 10, 100, 1000, 10_000]),
    st.integers(0, 1000),
    st.integers(0, 10**6),
)


@given(costs)
def test_never_above_the_cap(cost: int) -> None:
    assert 0 <= subsidy_amount(cost, RULES) <= RULES.cap


@given(costs, costs)
def test_monotone_in_cost(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert subsidy_amount(low, RULES) <= subsidy_amount(high, RULES)


@given(costs)
def test_always_a_multiple_of_the_unit(cost: int) -> None:
    assert subsidy_amount(cost, RULES) % RULES.unit == 0


@given(st.integers(min_value=0, max_value=1_499))
def test_zero_below_1500(cost: int) -> None:
    assert subsidy_amount(cost, RULES) == 0


@given(st.integers(min_value=1_500, max_value=10**9))
def test_at_least_one_unit_from_1500(cost: int) -> None:
    assert subsidy_amount(cost, RULES) >= 1_000


@given(costs)
def test_never_more_than_the_rate_of_the_cost(cost: int) -> None:
    # Truncation only ever takes away: 3 × subsidy ≤ 2 × cost, exactly, in integers.
    assert subsidy_amount(cost, RULES) * 3 <= cost * 2


@given(rules, costs, costs)
def test_any_programs_rules_keep_cap_unit_and_monotony(r: Rules, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert subsidy_amount(low, r) <= subsidy_amount(high, r) <= r.cap
    assert subsidy_amount(high, r) % r.unit == 0
    assert subsidy_amount(minimum_eligible_cost(r) - 1, r) == 0


@given(
    st.integers(0, 10**7),
    st.dates(date(2024, 6, 10), date(2025, 3, 31)),
    st.integers(0, 800),
)
def test_a_counted_payment_never_exceeds_what_was_paid(amount: int, paid: date, days: int) -> None:
    line = CostLine(Category.USAGE, amount, paid, paid, paid + timedelta(days=days))
    result = line_assess(line, rules=RULES, window_start=date(2024, 6, 10))
    assert 0 <= result.counted <= amount
