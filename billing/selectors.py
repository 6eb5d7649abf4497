"""Reads of the billing app, including the two the other apps rely on:
`association_sending_allowed` (delivery) and `subsidy_paid_costs` (subsidy)."""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from billing.calculations import (
    Line,
    category_totals_with_tax,
    month_next,
    month_start,
    with_tax,
)
from billing.models import (
    BillingAccount,
    CreditNote,
    CreditNoteLine,
    Invoice,
    Payment,
    PaymentAllocation,
    Plan,
    PlanAssignment,
    UsageEvent,
)
from tenants.models import Association


def plan_default() -> Plan:
    """The plan new associations start on (and that estimates quote)."""
    return Plan.objects.get(is_default=True)


def plan_in_force(*, account: BillingAccount, month: date) -> Plan:
    """The plan of a billing month: the latest assignment that started on or before it."""
    assignment = (
        PlanAssignment.objects.filter(account=account, effective_from__lte=month_start(month))
        .select_related("plan")
        .order_by("-effective_from")
        .first()
    )
    return assignment.plan if assignment else plan_default()


def plan_pending(*, account: BillingAccount, month: date) -> PlanAssignment | None:
    """A plan change that takes effect after this month, if one is scheduled."""
    return (
        PlanAssignment.objects.filter(account=account, effective_from__gt=month_start(month))
        .select_related("plan")
        .order_by("effective_from")
        .first()
    )


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """A billing month in Japan time, as [start, end) instants."""
    tz = ZoneInfo(settings.TIME_ZONE)
    start = month_start(month)
    return datetime.combine(start, time(), tz), datetime.combine(month_next(start), time(), tz)


def usage_count(*, association_id: int, month: date, kind: str = UsageEvent.Kind.MAIL) -> int:
    """How many units (mails) the association used in a month, Japan time."""
    start, end = month_bounds(month)
    total = UsageEvent.objects.filter(
        association_id=association_id, kind=kind, occurred_at__gte=start, occurred_at__lt=end
    ).aggregate(total=Sum("quantity"))["total"]
    return total or 0


@dataclass(frozen=True)
class UsageSummary:
    """One month's metered use against the plan, for staff and the operator."""

    month: date
    plan: Plan
    mails: int

    @property
    def extra(self) -> int:
        return max(0, self.mails - self.plan.mails_included)

    @property
    def extra_amount_with_tax(self) -> int:
        return with_tax(self.extra * self.plan.extra_mail_price, self.plan.tax_rate_percent)


def usage_summary(*, account: BillingAccount, month: date) -> UsageSummary:
    return UsageSummary(
        month=month_start(month),
        plan=plan_in_force(account=account, month=month),
        mails=usage_count(association_id=account.association_id, month=month),
    )


def _sum_of(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(
        queryset.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(s=Sum(field))
        .values("s"),
        output_field=IntegerField(),
    )


def invoice_list() -> QuerySet[Invoice]:
    """Invoices with what was paid (`allocated`), given back (`credited`) and is due (`balance`)."""
    return Invoice.objects.annotate(
        allocated=Coalesce(_sum_of(PaymentAllocation.objects.all(), "amount"), Value(0)),
        credited=Coalesce(_sum_of(CreditNote.objects.all(), "total"), Value(0)),
    ).annotate(balance=F("total") - F("credited") - F("allocated"))


def invoice_open_list() -> QuerySet[Invoice]:
    """Invoices with something left to pay, oldest first."""
    return invoice_list().filter(balance__gt=0).order_by("billing_month", "pk")


def account_credit(*, account: BillingAccount) -> int:
    """Money received and not yet spread over invoices (前受金), after refunds."""
    paid = Payment.objects.filter(account=account).aggregate(s=Sum("amount"))["s"] or 0
    allocated = (
        PaymentAllocation.objects.filter(payment__account=account).aggregate(s=Sum("amount"))["s"]
        or 0
    )
    return paid - allocated


def credit_note_room(*, invoice: Invoice, category: str) -> int:
    """How much (tax-exclusive) of a category a new credit note may still give back."""
    charged = invoice.lines.filter(category=category).aggregate(s=Sum("amount"))["s"] or 0
    returned = (
        CreditNoteLine.objects.filter(credit_note__invoice=invoice, category=category).aggregate(
            s=Sum("amount")
        )["s"]
        or 0
    )
    return max(0, charged - returned)


def association_sending_allowed(*, association: Association) -> bool:
    """False while the association's sending is suspended for non-payment (delivery asks this
    before sending). Suspension never deletes anything; paying the overdue invoices resumes."""
    return not BillingAccount.objects.filter(
        association_id=association.pk, status=BillingAccount.Status.SUSPENDED
    ).exists()


@dataclass(frozen=True)
class PaidCost:
    """A paid fee, as the subsidy's performance report lists it."""

    category: str  # "setup" | "usage"
    amount: int  # tax-included yen, net of credit notes
    paid_on: date
    invoice_number: str
    period_start: date
    period_end: date


def subsidy_paid_costs(*, association: Association, since: date, until: date) -> list[PaidCost]:
    """Setup and usage fees of invoices settled in full between `since` and `until` (inclusive).

    One cost per category per invoice, tax included, less any 返還インボイス on the invoice.
    """
    invoices = (
        Invoice.objects.filter(
            account__association=association, paid_on__gte=since, paid_on__lte=until
        )
        .prefetch_related("lines", "credit_notes__lines")
        .order_by("paid_on", "number")
    )
    costs = []
    for invoice in invoices:
        charged = category_totals_with_tax(stored_lines(invoice.lines.all()))
        credited: dict[str, int] = {}
        for note in invoice.credit_notes.all():
            returned = category_totals_with_tax(stored_lines(note.lines.all()))
            for category, amount in returned.items():
                credited[category] = credited.get(category, 0) + amount
        for category, amount in charged.items():
            net = amount - credited.get(category, 0)
            if net <= 0:
                continue
            periods = [line for line in invoice.lines.all() if line.category == category]
            costs.append(
                PaidCost(
                    category=category,
                    amount=net,
                    paid_on=invoice.paid_on,
                    invoice_number=invoice.number,
                    period_start=min(line.period_start for line in periods),
                    period_end=max(line.period_end for line in periods),
                )
            )
    return costs


def stored_lines(rows: QuerySet) -> list[Line]:
    """Stored invoice or credit note lines as plain values for billing.calculations; only the
    amounts, categories and rates matter for the sums."""
    return [
        Line(
            category=row.category,
            description=row.description,
            quantity=1,
            unit_price=row.amount,
            tax_rate_percent=row.tax_rate_percent,
            period_start=date.min,
            period_end=date.min,
        )
        for row in rows
    ]
