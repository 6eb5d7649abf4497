"""Reads of the subsidy app: programs, applications, their figures and the registry match."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum

from subsidy.calculations import (
    Category,
    Estimate,
    LineResult,
    billing_months,
    confirmed_amount,
    eligible_cost,
    estimate_build,
    lines_assess,
    minimum_eligible_cost,
    planned_eligible_cost,
    subsidy_amount,
)
from subsidy.calculations import (
    CostLine as CostLineValue,
)
from subsidy.models import (
    Application,
    AuditRecord,
    City,
    CityStaff,
    CostLine,
    Document,
    Program,
    RegistryEntry,
)
from subsidy.registry import name_key, person_key
from subsidy.workflow import Status
from tenants.models import Association, User


def program_open_list(*, today: date) -> QuerySet[Program]:
    """Programs taking applications today."""
    return Program.objects.filter(
        applications_open_on__lte=today, applications_close_on__gte=today
    ).select_related("city")


def program_list(*, city: City) -> QuerySet[Program]:
    return Program.objects.filter(city=city).order_by("-fiscal_year")


def city_staff_get(*, user: User) -> CityStaff | None:
    if not user.is_authenticated:
        return None
    return CityStaff.objects.select_related("city").filter(user=user, is_active=True).first()


def application_list_for_association(*, association: Association) -> QuerySet[Application]:
    return Application.objects.filter(association=association).select_related("program__city")


def application_get_for_association(
    *, association: Association, application_id: int
) -> Application | None:
    """The association's own application, or None: another's is as good as absent."""
    return (
        application_list_for_association(association=association).filter(pk=application_id).first()
    )


def application_list_for_city(
    *, city: City, fiscal_year: int | None = None, status: str | None = None
) -> QuerySet[Application]:
    applications = Application.objects.filter(program__city=city).select_related(
        "program", "association"
    )
    if fiscal_year:
        applications = applications.filter(fiscal_year=fiscal_year)
    if status:
        applications = applications.filter(status=status)
    # A draft is the association's own business until it is submitted.
    return applications.exclude(status=Status.DRAFT).order_by("fiscal_year", "id")


def application_totals(applications: QuerySet[Application]) -> dict[str, int]:
    """Counts and sums for the city's list: what was asked, granted, confirmed and paid."""
    totals = applications.aggregate(
        count=Count("id"),
        requested=Sum("requested_amount"),
        granted=Sum("granted_amount"),
        confirmed=Sum("confirmed_amount"),
        paid=Sum("confirmed_amount", filter=Q(status=Status.PAID)),
    )
    return {key: value or 0 for key, value in totals.items()}


@dataclass(frozen=True)
class PlanFigures:
    """What a plan asks for: the vendor's estimate and the subsidy it yields."""

    estimate: Estimate
    months: int
    eligible_by_category: dict[str, int]
    eligible_cost: int
    excluded: list[tuple[str, int]]  # (category, amount) shown as 対象外 lines
    subsidy: int
    minimum_cost: int

    @property
    def excluded_total(self) -> int:
        return sum(amount for _category, amount in self.excluded)

    @property
    def total_cost(self) -> int:
        return self.estimate.total + self.excluded_total

    @property
    def own_funds(self) -> int:
        """自己資金: what the association pays itself, so that income equals expenditure."""
        return self.total_cost - self.subsidy

    @property
    def below_minimum(self) -> bool:
        return self.eligible_cost < self.minimum_cost


def plan_figures_compute(
    *,
    program: Program,
    setup_fee: int,
    monthly_fee: int,
    tax_rate_percent: int,
    planned_start: date,
    planned_end: date,
    include_setup_fee: bool,
    planned_equipment_cost: int = 0,
    planned_internet_cost: int = 0,
) -> PlanFigures:
    """The plan's figures from raw values, so a form can show them before anything is saved."""
    rules = program.rules()
    # Months outside the program never count: before it opens (the form refuses such a
    # start, but the live estimate is shown while the form is still invalid) or after its end.
    start = max(planned_start, program.applications_open_on)
    end = min(planned_end, program.window_end)
    months = billing_months(start, end)
    estimate = estimate_build(
        setup_fee=setup_fee,
        monthly_fee=monthly_fee,
        months=months,
        tax_rate_percent=tax_rate_percent,
        include_setup=include_setup_fee,
    )
    by_category = estimate.amount_by_category(tax_inclusive=rules.tax_inclusive)
    eligible_by_category = {
        key: value for key, value in by_category.items() if key in rules.eligible_categories
    }
    excluded = [
        (category, amount)
        for category, amount in (
            (Category.EQUIPMENT, planned_equipment_cost),
            (Category.INTERNET, planned_internet_cost),
        )
        if amount
    ]
    cost = planned_eligible_cost(estimate, rules, excluded)
    return PlanFigures(
        estimate=estimate,
        months=months,
        eligible_by_category=eligible_by_category,
        eligible_cost=cost,
        excluded=excluded,
        subsidy=subsidy_amount(cost, rules),
        minimum_cost=minimum_eligible_cost(rules),
    )


def plan_figures(application: Application) -> PlanFigures:
    return plan_figures_compute(
        program=application.program,
        setup_fee=application.setup_fee,
        monthly_fee=application.monthly_fee,
        tax_rate_percent=application.tax_rate_percent,
        planned_start=application.planned_start,
        planned_end=application.planned_end,
        include_setup_fee=application.include_setup_fee,
        planned_equipment_cost=application.planned_equipment_cost,
        planned_internet_cost=application.planned_internet_cost,
    )


def cost_line_value(line: CostLine) -> CostLineValue:
    return CostLineValue(
        category=line.category,
        amount=line.amount,
        paid_on=line.paid_on,
        service_start=line.service_start,
        service_end=line.service_end,
        tax=line.tax_amount,
    )


@dataclass(frozen=True)
class ActualFigures:
    """What was paid, what of it counts, and the amounts that follow."""

    lines: list[tuple[CostLine, LineResult]]
    paid_total: int
    eligible_cost: int
    eligible_by_category: dict[str, int]
    computed: int
    # The lesser of granted and computed; None before a grant.
    confirmed: int | None


def actual_figures(application: Application) -> ActualFigures:
    lines = list(application.cost_lines.all())
    rules = application.program.rules()
    window_start = application.decision_date or application.program.applications_open_on
    results = lines_assess(
        [cost_line_value(line) for line in lines], rules=rules, window_start=window_start
    )
    by_category: dict[str, int] = {}
    for result in results:
        by_category[result.line.category] = (
            by_category.get(result.line.category, 0) + result.counted
        )
    cost = eligible_cost(results)
    computed = subsidy_amount(cost, rules)
    granted = application.granted_amount
    return ActualFigures(
        lines=list(zip(lines, results, strict=True)),
        paid_total=sum(line.amount for line in lines),
        eligible_cost=cost,
        eligible_by_category=by_category,
        computed=computed,
        confirmed=None if granted is None else confirmed_amount(granted=granted, computed=computed),
    )


def document_list(*, application: Application) -> QuerySet[Document]:
    # The bytes stay in the database until a document is opened.
    return application.documents.defer("pdf").select_related("created_by")


def document_latest(*, application: Application, kind: str) -> Document | None:
    return document_list(application=application).filter(kind=kind).order_by("-version").first()


@dataclass(frozen=True)
class AuditRow:
    record: AuditRecord
    changes: list[tuple[str, object, object]]  # (field label, before, after)


def audit_list(*, application: Application) -> list[AuditRow]:
    """The application's history, with each change labelled as the forms label the field."""
    labels = {f.attname: str(f.verbose_name) for f in Application._meta.concrete_fields}
    rows = []
    for record in application.audit.select_related("actor"):
        changes = [
            (labels.get(key, key), record.before.get(key), value)
            for key, value in record.after.items()
        ]
        rows.append(AuditRow(record, changes))
    return rows


@dataclass(frozen=True)
class RegistryMatch:
    """How an application compares with the city's registry of 自治会等登録届."""

    entry: RegistryEntry | None
    representative_matches: bool

    @property
    def found(self) -> bool:
        return self.entry is not None


def registry_match(application: Application) -> RegistryMatch:
    city = application.program.city
    keys = {
        name_key(application.applicant_name, city.name),
        name_key(application.association.name, city.name),
    }
    entry = (
        RegistryEntry.objects.filter(city=city, name_key__in=keys)
        .order_by("registry_number")
        .first()
    )
    if entry is None:
        return RegistryMatch(None, False)
    return RegistryMatch(
        entry, entry.representative_key == person_key(application.representative_name)
    )
