"""Invoice arithmetic and billing months, as pure functions over integer yen (no database).

Rounding of consumption tax: under the qualified invoice system (インボイス制度, 消費税法第57条の4
第1項第5号 and 消費税法施行令第70条の10) the tax on a qualified invoice is computed once per tax
rate per invoice, from the sum of that rate's tax-exclusive amounts; rounding each line and
adding the results is not allowed. The law leaves the rounding method to the issuer; Kairan
truncates (切捨て), the usual Japanese practice, so an association never pays a fraction of a
yen more than the rate. The same rule applies to credit notes (返還インボイス, 第57条の4第3項).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


class Category:
    """What a line pays for; the subsidy counts setup and usage fees separately."""

    SETUP = "setup"
    USAGE = "usage"


@dataclass(frozen=True)
class Line:
    """One tax-exclusive line of an invoice or credit note."""

    category: str
    description: str
    quantity: int
    unit_price: int
    tax_rate_percent: int
    period_start: date
    period_end: date

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class RateTotal:
    """The lines of one tax rate: their tax-exclusive sum and the tax on it."""

    rate_percent: int
    net: int
    tax: int

    @property
    def gross(self) -> int:
        return self.net + self.tax


@dataclass(frozen=True)
class Totals:
    per_rate: tuple[RateTotal, ...]

    @property
    def subtotal(self) -> int:
        return sum(r.net for r in self.per_rate)

    @property
    def tax(self) -> int:
        return sum(r.tax for r in self.per_rate)

    @property
    def total(self) -> int:
        return self.subtotal + self.tax


def tax_of(net: int, rate_percent: int) -> int:
    """Consumption tax on a tax-exclusive amount, truncated to the yen."""
    if net < 0 or rate_percent < 0:
        raise ValueError("amounts and rates are never negative")
    return net * rate_percent // 100


def with_tax(net: int, rate_percent: int) -> int:
    """The tax-inclusive price shown to associations (税込)."""
    return net + tax_of(net, rate_percent)


def totals_of(lines: Iterable[Line]) -> Totals:
    """Sums per tax rate, the tax rounded once per rate (not per line)."""
    nets: dict[int, int] = {}
    for line in lines:
        nets[line.tax_rate_percent] = nets.get(line.tax_rate_percent, 0) + line.amount
    return Totals(
        tuple(RateTotal(rate, net, tax_of(net, rate)) for rate, net in sorted(nets.items()))
    )


def category_totals_with_tax(lines: Iterable[Line]) -> dict[str, int]:
    """The tax-inclusive amount of each category, adding up exactly to the invoice total.

    Tax exists only per rate, so it is shared out: within a rate, setup lines carry the tax of
    their own sum (truncated) and usage lines the rest of that rate's tax. The subsidy report
    lists these amounts, and they must add up to what was paid.
    """
    lines = list(lines)
    result: dict[str, int] = {}
    for rate_total in totals_of(lines).per_rate:
        of_rate = [line for line in lines if line.tax_rate_percent == rate_total.rate_percent]
        setup_net = sum(line.amount for line in of_rate if line.category == Category.SETUP)
        usage_net = rate_total.net - setup_net
        setup_tax = tax_of(setup_net, rate_total.rate_percent)
        if setup_net:
            result[Category.SETUP] = result.get(Category.SETUP, 0) + setup_net + setup_tax
        if usage_net or rate_total.tax - setup_tax:
            usage = usage_net + rate_total.tax - setup_tax
            result[Category.USAGE] = result.get(Category.USAGE, 0) + usage
    return result


def overage_of(*, mails: int, included: int) -> int:
    """Mails beyond the month's included count (never negative)."""
    return max(0, mails - included)


# --- Billing months ----------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_next(month: date) -> date:
    return (month_start(month) + timedelta(days=32)).replace(day=1)


def month_previous(month: date) -> date:
    return (month_start(month) - timedelta(days=1)).replace(day=1)


def month_end(month: date) -> date:
    return month_next(month) - timedelta(days=1)


def month_label(month: date) -> str:
    """2025年4月分 style label used in line descriptions."""
    return f"{month.year}年{month.month}月分"
