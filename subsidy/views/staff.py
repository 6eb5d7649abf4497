"""The association's subsidy pages (tenant host, /staff/subsidy/): apply, report, claim."""

import re
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.selectors import plan_default
from subsidy import clock, selectors
from subsidy.documents import document_render
from subsidy.forms import ApplicationForm, ClaimForm, CostLineForm, ReportForm
from subsidy.models import Application, CostLine, Document, Program
from subsidy.permissions import refusal
from subsidy.services.applications import (
    ApplicationFields,
    application_create,
    application_period_check,
    application_submit,
    application_update,
)
from subsidy.services.claims import claim_submit
from subsidy.services.reports import (
    Upload,
    billing_costs_collect,
    cost_line_add,
    cost_line_remove,
    report_submit,
)
from subsidy.views._responses import form_errors_from, pdf_response, refusals_shown
from subsidy.workflow import EDITABLE, Action, Actor, Status, actions_available, transition_target
from tenants.http import StaffRequest
from tenants.models import Association, Membership
from tenants.permissions import staff_required


def _application(request: StaffRequest, application_id: int) -> Application:
    """The request's association's own application; any other is a 404, as if absent."""
    application = selectors.application_get_for_association(
        association=request.tenant,
        application_id=application_id,
    )
    if application is None:
        raise Http404
    return application


def _is_owner(request: StaffRequest) -> bool:
    return request.membership.role == Membership.Role.OWNER


def _initial(association: Association, program: Program, today: date) -> dict[str, object]:
    title, _sep, name = re.sub(r"\s+", " ", association.representative.strip()).partition(" ")
    if not name:
        title, name = "会長", title
    # The first day of next month leaves the city a few weeks for its grant decision.
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    start = min(max(next_month, program.applications_open_on), program.window_end)
    return {
        "applicant_name": association.name,
        "applicant_address": association.address,
        "representative_title": title,
        "representative_name": name,
        "planned_start": start,
        "planned_end": program.window_end,
        "include_setup_fee": True,
    }


def _application_initial(application: Application) -> dict[str, object]:
    return {name: getattr(application, name) for name in ApplicationForm.base_fields}


def plan_figures_from(program: Program, values: dict) -> selectors.PlanFigures | None:
    """The plan's figures for what a form holds, at today's prices; None without dates."""
    start, end = values.get("planned_start"), values.get("planned_end")
    if not isinstance(start, date) or not isinstance(end, date):
        return None
    prices = plan_default()
    return selectors.plan_figures_compute(
        program=program,
        setup_fee=prices.setup_fee,
        monthly_fee=prices.monthly_fee,
        tax_rate_percent=prices.tax_rate_percent,
        planned_start=start,
        planned_end=end,
        include_setup_fee=bool(values.get("include_setup_fee")),
        planned_equipment_cost=values.get("planned_equipment_cost") or 0,
        planned_internet_cost=values.get("planned_internet_cost") or 0,
    )


def _form_figures(form: ApplicationForm, program: Program) -> selectors.PlanFigures | None:
    if form.is_bound:
        form.is_valid()
        return plan_figures_from(program, form.cleaned_data)
    return plan_figures_from(program, form.initial)


@staff_required
def home(request: StaffRequest) -> HttpResponse:
    today = clock.today()
    association = request.tenant
    applications = list(selectors.application_list_for_association(association=association))
    taken = {application.fiscal_year for application in applications}
    open_programs = [
        program
        for program in selectors.program_open_list(today=today)
        if program.fiscal_year not in taken
    ]
    context = {"applications": applications, "open_programs": open_programs, "today": today}
    return render(request, "subsidy/staff/home.html", context)


@staff_required
@refusals_shown
@require_http_methods(["GET", "POST"])
def application_new(request: StaffRequest, program_id: int) -> HttpResponse:
    today = clock.today()
    program = get_object_or_404(Program, pk=program_id)
    try:
        application_period_check(program=program, today=today)
    except ValidationError as error:
        # Said before the secretary fills in a form that could not be saved.
        return refusal(request, _("この補助金には申請できません"), error.messages[0], 409)
    association = request.tenant
    form = ApplicationForm(request.POST or None, initial=_initial(association, program, today))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                application = application_create(
                    association=association,
                    user=request.user,
                    program=program,
                    fields=ApplicationFields(**form.cleaned_data),
                    today=today,
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(
                    request, _("下書きを保存しました。内容を確かめてから、提出してください。")
                )
                return redirect("subsidy_application", application_id=application.pk)
        status = 400
    context = {
        "form": form,
        "program": program,
        **_figures_context(_form_figures(form, program), program),
    }
    return render(request, "subsidy/staff/application_new.html", context, status=status)


@staff_required
@refusals_shown
@require_http_methods(["GET", "POST"])
def application_detail(request: StaffRequest, application_id: int) -> HttpResponse:
    """The application's page: where it stands, its documents, and the draft form."""
    application = _application(request, application_id)
    program = application.program
    editable = application.status in EDITABLE
    form = None
    status = 200
    if editable:
        form = ApplicationForm(request.POST or None, initial=_application_initial(application))
        if request.method == "POST":
            if form.is_valid():
                try:
                    application_update(
                        application=application,
                        user=request.user,
                        fields=ApplicationFields(**form.cleaned_data),
                    )
                except ValidationError as error:
                    form_errors_from(form, error)
                else:
                    messages.success(request, _("保存しました。"))
                    return redirect("subsidy_application", application_id=application.pk)
            status = 400
    elif request.method == "POST":
        # A frozen application: the service refuses (409) and says why.
        application_update(
            application=application,
            user=request.user,
            fields=ApplicationFields(**_application_initial(application)),
        )
    figures = _form_figures(form, program) if form else selectors.plan_figures(application)
    context = {
        "application": application,
        "program": program,
        "form": form,
        **_figures_context(figures, program),
        "documents": selectors.document_list(application=application),
        "is_owner": _is_owner(request),
        "next_actions": actions_available(status=application.status, actor=Actor.OWNER),
        "Status": Status,
    }
    return render(request, "subsidy/staff/application_detail.html", context, status=status)


@staff_required
@require_GET
def calculate(request: StaffRequest, program_id: int) -> HttpResponse:
    """The subsidy for the plan being typed: the application page's script asks here."""
    program = get_object_or_404(Program, pk=program_id)
    form = ApplicationForm(request.GET)
    form.is_valid()  # the other fields may be half-typed; only the plan's figures matter
    figures = plan_figures_from(program, form.cleaned_data)
    if figures is None:
        return JsonResponse(
            {"ok": False, "text": _("着手予定日と完了予定日を入れると、見込み額を計算します。")}
        )
    return JsonResponse(
        {
            "ok": True,
            "months": figures.months,
            "estimate_total": figures.estimate.total,
            "eligible_cost": figures.eligible_cost,
            "subsidy": figures.subsidy,
            "text": figures_text(figures, program),
            "warning": figures_warning(figures),
        }
    )


def _figures_context(figures: selectors.PlanFigures | None, program: Program) -> dict[str, object]:
    if figures is None:
        return {"figures": None, "figures_text": "", "figures_warning": ""}
    return {
        "figures": figures,
        "figures_text": figures_text(figures, program),
        "figures_warning": figures_warning(figures),
    }


def figures_text(figures: selectors.PlanFigures, program: Program) -> str:
    return _(
        "補助金の見込み額は %(subsidy)s 円です（補助対象経費 %(cost)s 円の%(den)d分の%(num)d、"
        "%(unit)s円未満切捨て、上限 %(cap)s 円）。"
    ) % {
        "subsidy": f"{figures.subsidy:,}",
        "cost": f"{figures.eligible_cost:,}",
        "den": program.rate_denominator,
        "num": program.rate_numerator,
        "unit": f"{program.truncation_unit:,}",
        "cap": f"{program.cap:,}",
    }


def figures_warning(figures: selectors.PlanFigures) -> str:
    if figures.below_minimum:
        return _("補助対象経費が%(minimum)s円未満なので、補助金は0円になります。") % {
            "minimum": f"{figures.minimum_cost:,}"
        }
    return ""


@staff_required
@require_GET
def preview(request: StaffRequest, application_id: int, kind: str) -> HttpResponse:
    """The documents as they would be submitted today, marked as a preview; not stored."""
    application = _application(request, application_id)
    allowed = {
        Document.Kind.APPLICATION: EDITABLE,
        Document.Kind.REPORT: {Status.GRANTED},
    }
    if kind not in allowed or application.status not in allowed[kind]:  # type: ignore[index]  # kind is a key: checked on the left
        raise Http404
    today = clock.today()
    # Unsaved, in memory: what submitting today would put on the documents.
    if kind == Document.Kind.APPLICATION:
        application.requested_amount = selectors.plan_figures(application).subsidy
    else:
        application.started_on = application.decision_date
        application.completed_on = min(today, application.program.window_end)
    pdf = document_render(kind=kind, application=application, issued_on=today, preview=True)
    return pdf_response(pdf, f"preview-{application.number}-{kind}.pdf")


@staff_required
@refusals_shown
@require_POST
def submit(request: StaffRequest, application_id: int) -> HttpResponse:
    application = _application(request, application_id)
    try:
        application_submit(application=application, user=request.user, today=clock.today())
    except ValidationError as error:
        return render(
            request,
            "message.html",
            {"title": _("まだ提出できません"), "message": " ".join(error.messages)},
            status=400,
        )
    messages.success(request, _("申請書を市に提出しました。市の審査をお待ちください。"))
    return redirect("subsidy_application", application_id=application.pk)


@staff_required
@require_GET
def document(request: StaffRequest, application_id: int, document_id: int) -> HttpResponse:
    application = _application(request, application_id)
    frozen = get_object_or_404(Document, pk=document_id, application=application)
    return pdf_response(bytes(frozen.pdf), frozen.file_name)


@staff_required
@refusals_shown
@require_http_methods(["GET", "POST"])
def report(request: StaffRequest, application_id: int) -> HttpResponse:
    """The performance report: paid costs with receipts (POST adds one), then submit."""
    application = _application(request, application_id)
    if application.status not in {
        Status.GRANTED, Status.REPORTED, Status.CONFIRMED, Status.CLAIMED, Status.PAID,
    }:  # fmt: skip
        return render(
            request,
            "message.html",
            {
                "title": _("実績報告はまだできません"),
                "message": _("実績報告は、市の交付決定を受けてからできます。"),
            },
            status=409,
        )
    line_form = CostLineForm(
        request.POST or None,
        request.FILES or None,
        program=application.program,
        initial={"vendor": application.vendor_name},
    )
    today = clock.today()
    report_form = ReportForm(
        initial={
            "started_on": application.decision_date,
            "completed_on": min(today, application.program.window_end),
        }
    )
    status = 200
    if request.method == "POST":
        if line_form.is_valid():
            data = line_form.cleaned_data
            upload = data["receipt"]
            try:
                cost_line_add(
                    application=application,
                    user=request.user,
                    category=data["category"],
                    description=data["description"],
                    vendor=data["vendor"],
                    amount=data["amount"],
                    tax_amount=data.get("tax_amount") or 0,
                    paid_on=data["paid_on"],
                    service_start=data["service_start"],
                    service_end=data["service_end"],
                    receipt=Upload(upload.name, upload.read()),
                    today=today,
                )
            except ValidationError as error:
                form_errors_from(line_form, error)
            else:
                messages.success(request, _("支払った経費を追加しました。"))
                return redirect("subsidy_report", application_id=application.pk)
        status = 400
    context = {
        "application": application,
        "program": application.program,
        "figures": selectors.actual_figures(application),
        "line_form": line_form,
        "report_form": report_form,
        "is_owner": _is_owner(request),
        "editable": application.status == Status.GRANTED,
        "documents": selectors.document_list(application=application).filter(
            kind=Document.Kind.REPORT
        ),
    }
    return render(request, "subsidy/staff/report.html", context, status=status)


@staff_required
@refusals_shown
@require_POST
def line_remove(request: StaffRequest, application_id: int, line_id: int) -> HttpResponse:
    application = _application(request, application_id)
    line = get_object_or_404(CostLine, pk=line_id, application=application)
    cost_line_remove(line=line, user=request.user)
    messages.success(request, _("経費を1件削除しました。"))
    return redirect("subsidy_report", application_id=application.pk)


@staff_required
@refusals_shown
@require_POST
def report_collect(request: StaffRequest, application_id: int) -> HttpResponse:
    """Add the platform's paid invoices to the report, without receipt uploads."""
    application = _application(request, application_id)
    added = billing_costs_collect(application=application, user=request.user)
    if added:
        messages.success(
            request, _("Kairanの請求書から%(n)d件の経費を取り込みました。") % {"n": len(added)}
        )
    else:
        messages.info(request, _("新しく取り込める支払い済みの請求書はありません。"))
    return redirect("subsidy_report", application_id=application.pk)


@staff_required
@refusals_shown
@require_POST
def report_send(request: StaffRequest, application_id: int) -> HttpResponse:
    application = _application(request, application_id)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            report_submit(
                application=application,
                user=request.user,
                started_on=form.cleaned_data["started_on"],
                completed_on=form.cleaned_data["completed_on"],
                seal=form.cleaned_data["seal"],
                today=clock.today(),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("実績報告を市に提出しました。"))
            return redirect("subsidy_application", application_id=application.pk)
    context = {
        "application": application,
        "program": application.program,
        "figures": selectors.actual_figures(application),
        "line_form": CostLineForm(program=application.program),
        "report_form": form,
        "is_owner": _is_owner(request),
        "editable": application.status == Status.GRANTED,
        "documents": [],
    }
    return render(request, "subsidy/staff/report.html", context, status=400)


@staff_required
@refusals_shown
@require_http_methods(["GET", "POST"])
def claim(request: StaffRequest, application_id: int) -> HttpResponse:
    application = _application(request, application_id)
    if application.status != Status.CONFIRMED:
        if request.method == "GET":
            return redirect("subsidy_application", application_id=application.pk)
        # Refused before the form is read: a claim form for an amount not yet confirmed
        # would show a blank amount (the service refuses the same way).
        transition_target(status=application.status, action=Action.CLAIM, actor=Actor.OWNER)
    form = ClaimForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            claim_submit(
                application=application,
                user=request.user,
                account=form.cleaned_data["account"],
                seal=form.cleaned_data["seal"],
                today=clock.today(),
            )
            messages.success(
                request, _("交付請求書を市に提出しました。振り込まれたら通帳で確認してください。")
            )
            return redirect("subsidy_application", application_id=application.pk)
        status = 400
    context = {"application": application, "form": form, "is_owner": _is_owner(request)}
    return render(request, "subsidy/staff/claim.html", context, status=status)
