"""The subsidy's arithmetic, as pure functions over integer yen (SUBSIDY.md "The computation").

No floats and no database: 1,500 × 2/3 must be exactly 1,000, and 44,999 × 2/3 must truncate to
29,000, never round up because 29,999.999… came out of a binary fraction. Every rule of a
program (rate, unit, caps, window end, categories, tax treatment, prepayment) arrives in a
`Rules` value, so the same code serves every city and fiscal year.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Category(StrEnum):
    """What a cost was for. The brochure funds the first two only."""

    SETUP = "setup"  # システム導入に係る経費（初期費用）
    USAGE = "usage"  # システム運用に係る経費（利用料）
    EQUIPMENT = "equipment"  # パソコン等の設備購入費
    INTERNET = "internet"  # インターネット回線の開通及び利用
    OTHER = "other"


class Prepayment(StrEnum):
    """How a payment for service running past the window's end (31 March) counts."""

    PRO_RATA = "pro_rata"  # whole months up to the window's end, pro rata, truncated to yen
    FULL = "full"  # the whole payment, when it was paid inside the window


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    PRORATED = "prorated"  # partly counted: service runs past the window's end
    EXCLUDED_CATEGORY = "excluded_category"
    BEFORE_WINDOW = "before_window"  # paid before the grant decision
    AFTER_WINDOW = "after_window"  # paid after the window's end


@dataclass(frozen=True)
class Rules:
    rate_numerator: int
    rate_denominator: int
    unit: int  # truncation unit (千円未満切捨て: 1,000)
    cap: int  # per association
    eligible_cost_cap: int  # 事業費上限
    eligible_categories: frozenset[str]
    window_end: date
    tax_inclusive: bool = True
    prepayment: Prepayment = Prepayment.PRO_RATA

    def __post_init__(self) -> None:
        for name in ("rate_numerator", "rate_denominator", "unit", "cap", "eligible_cost_cap"):
            _require_yen(getattr(self, name), name)
        if self.rate_denominator == 0 or self.unit == 0:
            raise ValueError("rate_denominator and unit must be positive")
        # Otherwise a capped subsidy would not be a whole number of units.
        if self.cap % self.unit:
            raise ValueError("cap must be a multiple of the truncation unit")


@dataclass(frozen=True)
class CostLine:
    """One payment: what for, how much (tax included), when, and the service period it buys."""

    category: str
    amount: int
    paid_on: date
    service_start: date | None = None
    service_end: date | None = None
    tax: int = 0  # of which consumption tax; used only when the program counts tax-exclusive

    def __post_init__(self) -> None:
        _require_yen(self.amount, "amount")
        _require_yen(self.tax, "tax")
        if self.tax > self.amount:
            raise ValueError("tax cannot exceed the amount")
        start, end = self.period
        if end < start:
            raise ValueError("service period ends before it starts")

    @property
    def period(self) -> tuple[date, date]:
        """The service period; a one-off payment (a setup fee) covers its payment day."""
        start = self.service_start or self.paid_on
        return start, self.service_end or start


@dataclass(frozen=True)
class LineResult:
    line: CostLine
    counted: int
    verdict: Verdict


def _require_yen(value: object, name: str) -> None:
    # bool is an int subclass; True yen is a bug, not an amount.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be integer yen, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative")


def subsidy_amount(eligible_cost: int, rules: Rules) -> int:
    """min(min(cost, cost cap) × rate, truncated to the unit, cap)."""
    _require_yen(eligible_cost, "eligible_cost")
    base = min(eligible_cost, rules.eligible_cost_cap)
    raw = base * rules.rate_numerator // rules.rate_denominator
    return min(raw // rules.unit * rules.unit, rules.cap)


def minimum_eligible_cost(rules: Rules) -> int:
    """The smallest cost that yields one unit of subsidy (¥1,500 for 2/3 and ¥1,000)."""
    return -(-rules.unit * rules.rate_denominator // rules.rate_numerator)


def confirmed_amount(*, granted: int, computed: int) -> int:
    """確定額: the lesser of the amount granted and the amount computed on actual payments."""
    _require_yen(granted, "granted")
    _require_yen(computed, "computed")
    return min(granted, computed)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def whole_months(start: date, end: date) -> int:
    """How many whole months the period start…end (both days included) covers.

    1 October – 30 September is 12; 15 October – 31 March is 5 (the sixth month would end
    on 14 April).
    """
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    while months > 0 and add_months(start, months) - timedelta(days=1) > end:
        months -= 1
    return months


def billing_months(start: date, end: date) -> int:
    """Calendar months a monthly fee is billed for, from start's month to end's month."""
    if end < start:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def line_assess(line: CostLine, *, rules: Rules, window_start: date) -> LineResult:
    """How much of one payment counts, and why.

    The window runs from the grant decision (window_start) to rules.window_end; the payment
    date decides whether a payment is inside it. A payment inside the window for service
    running past the window's end counts for the whole months up to the end only (pro rata,
    truncated to yen) unless the program counts such prepayments in full.
    """
    base = line.amount if rules.tax_inclusive else line.amount - line.tax
    if line.category not in rules.eligible_categories:
        return LineResult(line, 0, Verdict.EXCLUDED_CATEGORY)
    if line.paid_on < window_start:
        return LineResult(line, 0, Verdict.BEFORE_WINDOW)
    if line.paid_on > rules.window_end:
        return LineResult(line, 0, Verdict.AFTER_WINDOW)
    start, end = line.period
    if end > rules.window_end and rules.prepayment == Prepayment.PRO_RATA:
        total = whole_months(start, end)
        inside = whole_months(start, rules.window_end)
        counted = base * inside // total if total else 0
        return LineResult(line, counted, Verdict.PRORATED)
    return LineResult(line, base, Verdict.ELIGIBLE)


def lines_assess(
    lines: Iterable[CostLine], *, rules: Rules, window_start: date
) -> list[LineResult]:
    return [line_assess(line, rules=rules, window_start=window_start) for line in lines]


def eligible_cost(results: Iterable[LineResult]) -> int:
    return sum(result.counted for result in results)


# --- The vendor's estimate (見積書) -------------------------------------------------------------


@dataclass(frozen=True)
class EstimateLine:
    category: str
    quantity: int
    unit_price: int  # tax-exclusive

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class Estimate:
    lines: tuple[EstimateLine, ...]
    tax_rate_percent: int

    @property
    def subtotal(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def tax(self) -> int:
        # A qualified invoice rounds the tax once per rate per document (インボイス制度,
        # 消費税法施行令第70条の10); fractions of a yen are truncated.
        return self.subtotal * self.tax_rate_percent // 100

    @property
    def total(self) -> int:
        return self.subtotal + self.tax

    def tax_by_line(self) -> list[int]:
        """The document's tax spread over its lines: each line's truncated share, and the yen
        that truncation lost go to the largest line, so the lines add up to the total."""
        shares = [line.amount * self.tax_rate_percent // 100 for line in self.lines]
        if shares:
            largest = max(range(len(shares)), key=lambda i: self.lines[i].amount)
            shares[largest] += self.tax - sum(shares)
        return shares

    def amount_by_category(self, *, tax_inclusive: bool) -> dict[str, int]:
        totals: dict[str, int] = {}
        for line, tax in zip(self.lines, self.tax_by_line(), strict=True):
            amount = line.amount + (tax if tax_inclusive else 0)
            totals[line.category] = totals.get(line.category, 0) + amount
        return totals


def estimate_build(
    *,
    setup_fee: int,
    monthly_fee: int,
    months: int,
    tax_rate_percent: int,
    include_setup: bool = True,
) -> Estimate:
    """The platform's quote: the setup fee once and the monthly fee for `months` months."""
    for value, name in ((setup_fee, "setup_fee"), (monthly_fee, "monthly_fee"), (months, "months")):
        _require_yen(value, name)
    lines = []
    if include_setup:
        lines.append(EstimateLine(Category.SETUP, 1, setup_fee))
    if months:
        lines.append(EstimateLine(Category.USAGE, months, monthly_fee))
    return Estimate(tuple(lines), tax_rate_percent)


def planned_eligible_cost(
    estimate: Estimate, rules: Rules, other: Iterable[tuple[str, int]] = ()
) -> int:
    """Eligible cost of a plan: the estimate's eligible categories plus any other planned
    lines (category, tax-inclusive amount) in an eligible category."""
    by_category = estimate.amount_by_category(tax_inclusive=rules.tax_inclusive)
    total = sum(v for k, v in by_category.items() if k in rules.eligible_categories)
    return total + sum(amount for k, amount in other if k in rules.eligible_categories)
