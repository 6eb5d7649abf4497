"""Invoice arithmetic: tax once per rate per invoice, truncated; overage; billing months."""

from datetime import date

import pytest

from billing.calculations import (
    Category,
    Line,
    category_totals_with_tax,
    month_end,
    month_next,
    month_previous,
    overage_of,
    tax_of,
    totals_of,
    with_tax,
)

D = date(2025, 4, 1)


def line(amount: int, rate: int = 10, category: str = Category.USAGE, quantity: int = 1) -> Line:
    return Line(category, "x", quantity, amount // quantity, rate, D, D)


@pytest.mark.parametrize(
    ("amounts", "subtotal", "tax", "total"),
    [
        ([30000, 3000], 33000, 3300, 36300),  # the standard plan's first invoice
        ([3000], 3000, 300, 3300),
        ([3000, 5], 3005, 300, 3305),  # 300.5 truncated
        ([3000, 9], 3009, 300, 3309),  # 300.9 truncated, not rounded up
        ([3000, 10], 3010, 301, 3311),
        # Per line these would be 0 + 0 + 0 (0.5, 0.5, 0.5 each truncated) = 0; per invoice 1.
        ([5, 5, 5], 15, 1, 16),
        # Rounding each line half-up would give 1 + 1 = 2; once per invoice truncated is 1.
        ([6, 6], 12, 1, 13),
        ([], 0, 0, 0),
    ],
)
def test_tax_is_computed_once_per_rate_per_invoice_and_truncated(
    amounts: list[int], subtotal: int, tax: int, total: int
) -> None:
    totals = totals_of(line(a) for a in amounts)
    assert (totals.subtotal, totals.tax, totals.total) == (subtotal, tax, total)


def test_each_rate_is_summed_and_taxed_separately() -> None:
    # 8% (reduced rate) and 10% lines on one invoice: one tax per rate.
    totals = totals_of([line(1005, 10), line(1005, 10), line(1013, 8), line(13, 8)])
    assert [(r.rate_percent, r.net, r.tax) for r in totals.per_rate] == [
        (8, 1026, 82),  # 82.08
        (10, 2010, 201),
    ]
    assert (totals.subtotal, totals.tax, totals.total) == (3036, 283, 3319)


@pytest.mark.parametrize(
    ("net", "rate", "expected"),
    [(30000, 10, 33000), (3000, 10, 3300), (1, 10, 1), (19, 10, 20), (0, 10, 0), (999, 8, 1078)],
)
def test_tax_inclusive_price(net: int, rate: int, expected: int) -> None:
    assert with_tax(net, rate) == expected


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError):
        tax_of(-1, 10)


@pytest.mark.parametrize(
    ("mails", "included", "extra"), [(0, 3000, 0), (3000, 3000, 0), (3001, 3000, 1), (10, 0, 10)]
)
def test_overage(mails: int, included: int, extra: int) -> None:
    assert overage_of(mails=mails, included=included) == extra


def test_category_amounts_add_up_to_the_total() -> None:
    lines = [line(30000, category=Category.SETUP), line(3000), line(7, quantity=7)]
    split = category_totals_with_tax(lines)
    assert split == {Category.SETUP: 33000, Category.USAGE: 3307}
    assert sum(split.values()) == totals_of(lines).total == 36307


def test_billing_months() -> None:
    assert month_next(date(2025, 12, 15)) == date(2026, 1, 1)
    assert month_previous(date(2025, 1, 1)) == date(2024, 12, 1)
    assert month_end(date(2024, 2, 1)) == date(2024, 2, 29)
