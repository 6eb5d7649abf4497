"""The subsidy's official documents as PDF (SUBSIDY.md "Documents"). Reads only; freezing a
document (storing its bytes and hash) is the services' job.

The documents are official Japanese forms addressed to the mayor, so they are written in
Japanese whatever language the person's screen uses; their templates hold the text directly.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import translation

from billing.issuer import Issuer, issuer_get
from kairan.pdf import pdf_render
from kairan.wareki import wareki_date, wareki_month
from subsidy.calculations import Category, add_months
from subsidy.models import Application, CostLine, Document
from subsidy.selectors import actual_figures, plan_figures

# Short names for document tables, where the full category names do not fit.
CATEGORY_SHORT = {
    Category.SETUP: "導入費（初期費用）",
    Category.USAGE: "運用費（利用料）",
    Category.EQUIPMENT: "パソコン等の設備",
    Category.INTERNET: "インターネット回線",
    Category.OTHER: "その他",
}
ESTIMATE_VALID_MONTHS = 3


@dataclass(frozen=True)
class EstimateRow:
    name: str
    quantity: int
    unit: str
    unit_price: int
    amount: int


def _estimate_rows(application: Application, months_text: str) -> list[EstimateRow]:
    rows = []
    for line in plan_figures(application).estimate.lines:
        if line.category == Category.SETUP:
            rows.append(
                EstimateRow("初期費用（システム導入・設定）", 1, "式", line.unit_price, line.amount)
            )
        else:
            rows.append(
                EstimateRow(
                    f"月額利用料（{months_text}）",
                    line.quantity,
                    "か月",
                    line.unit_price,
                    line.amount,
                )
            )
    return rows


def service_period_text(line: CostLine) -> str:
    """令和6年6月分 for one calendar month; a range for anything else; nothing for one day."""
    if line.service_start is None:
        return ""
    start, end = line.service_start, line.service_end or line.service_start
    if start == end:
        return ""
    if start.day == 1 and (start.year, start.month) == (end.year, end.month):
        return f"{wareki_month(start)}分"
    return f"{wareki_date(start)}〜{wareki_date(end)}"


def _common(application: Application, issued_on: date) -> dict[str, object]:
    return {
        "application": application,
        "program": application.program,
        "city": application.program.city,
        "issued_on": issued_on,
    }


@dataclass(frozen=True)
class Expenditure:
    """A plan's spending as the plan and budget print it: eligible lines, then 対象外 lines."""

    eligible: list[tuple[str, str, int]]  # (category, description, amount)
    excluded: list[tuple[str, int]]

    @property
    def excluded_total(self) -> int:
        return sum(amount for _name, amount in self.excluded)


def _expenditure(application: Application, months_text: str) -> Expenditure:
    plan = plan_figures(application)
    descriptions = {
        Category.SETUP: "初期費用（システムの導入・設定）",
        Category.USAGE: f"月額利用料 {application.monthly_fee:,}円（税抜）× {plan.months}か月"
        f"（{months_text}）",
    }
    eligible = [
        (CATEGORY_SHORT[Category(k)], descriptions.get(Category(k), ""), v)
        for k, v in plan.eligible_by_category.items()
    ]
    excluded = [(CATEGORY_SHORT[Category(k)], v) for k, v in plan.excluded]
    if not application.program.tax_inclusive:
        excluded.insert(0, ("消費税", plan.estimate.tax))
    return Expenditure(eligible, excluded)


def application_set_context(application: Application, issued_on: date) -> dict[str, object]:
    plan = plan_figures(application)
    end = min(application.planned_end, application.program.window_end)
    months_text = f"{wareki_month(application.planned_start)}〜{wareki_month(end)}"
    issuer: Issuer = issuer_get()
    return {
        **_common(application, issued_on),
        "plan": plan,
        "months_text": months_text,
        "expenditure": _expenditure(application, months_text),
        "estimate_rows": _estimate_rows(application, months_text),
        "estimate_number": f"K-{application.number}",
        "estimate_valid_until": add_months(issued_on, ESTIMATE_VALID_MONTHS),
        "issuer": issuer,
    }


def report_set_context(application: Application, issued_on: date) -> dict[str, object]:
    plan = plan_figures(application)
    actual = actual_figures(application)
    granted = application.granted_amount or 0
    confirmed = actual.confirmed or 0
    settlement = []
    for category in sorted(
        set(plan.eligible_by_category) | set(actual.eligible_by_category),
        key=lambda c: list(Category).index(Category(c)),
    ):
        if category not in application.program.eligible_categories:
            continue
        budget = plan.eligible_by_category.get(category, 0)
        spent = actual.eligible_by_category.get(category, 0)
        settlement.append((CATEGORY_SHORT[Category(category)], budget, spent, spent - budget))
    income = [
        ("市補助金", granted, confirmed, confirmed - granted),
        (
            "自己資金",
            plan.eligible_cost - granted,
            actual.eligible_cost - confirmed,
            (actual.eligible_cost - confirmed) - (plan.eligible_cost - granted),
        ),
    ]
    return {
        **_common(application, issued_on),
        "plan": plan,
        "actual": actual,
        "paid_rows": [
            (line, result, CATEGORY_SHORT[Category(line.category)], service_period_text(line))
            for line, result in actual.lines
        ],
        "settlement": settlement,
        "income": income,
        "budget_total": plan.eligible_cost,
        "actual_total": actual.eligible_cost,
        "total_difference": actual.eligible_cost - plan.eligible_cost,
    }


def claim_context(application: Application, issued_on: date) -> dict[str, object]:
    return {
        **_common(application, issued_on),
        "amount": application.confirmed_amount or 0,
        "account_type_label": Application.AccountType(application.account_type).label
        if application.account_type
        else "",
    }


TEMPLATES = {
    Document.Kind.APPLICATION: ("subsidy/pdf/application_set.html", application_set_context),
    Document.Kind.REPORT: ("subsidy/pdf/report_set.html", report_set_context),
    Document.Kind.CLAIM: ("subsidy/pdf/claim.html", claim_context),
}


def document_render(
    *, kind: str, application: Application, issued_on: date, preview: bool = False
) -> bytes:
    """The PDF of one document set of an application, as it reads on `issued_on`.

    A preview carries a mark on every page, so a printed preview is never taken for the
    document that was submitted.
    """
    template, build = TEMPLATES[Document.Kind(kind)]
    with translation.override("ja"):
        context = {**build(application, issued_on), "preview": preview}
        return pdf_render(template=template, context=context)
