"""The city portal (public host, /city/): review, decide, confirm, record payment, export."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kairan.wareki import fiscal_year_label
from subsidy import clock, selectors
from subsidy.exports import applications_csv
from subsidy.forms import (
    ApplicationFilterForm,
    ConfirmForm,
    GrantForm,
    PaymentForm,
    RegistryUploadForm,
    ReturnForm,
)
from subsidy.models import Application, CityStaff, Document, Receipt
from subsidy.permissions import CityStaffRequest, city_staff_required
from subsidy.services.city import registry_import
from subsidy.services.reviews import (
    application_grant,
    application_return,
    payment_record,
    report_confirm,
    report_return,
)
from subsidy.views._responses import form_errors_from, pdf_response, refusals_shown
from subsidy.workflow import Action, Actor, actions_available


def _clerk(request: CityStaffRequest) -> CityStaff:
    return request.city_staff


def _application(request: CityStaffRequest, application_id: int) -> Application:
    """An application of the clerk's city that has been submitted; anything else is a 404."""
    applications = selectors.application_list_for_city(city=_clerk(request).city)
    application = applications.filter(pk=application_id).first()
    if application is None:
        raise Http404
    return application


def _filters(request: CityStaffRequest) -> ApplicationFilterForm:
    years = [
        (program.fiscal_year, fiscal_year_label(program.fiscal_year))
        for program in selectors.program_list(city=_clerk(request).city)
    ]
    form = ApplicationFilterForm(request.GET or None, years=years)
    form.is_valid()
    return form


def _filtered(request: CityStaffRequest, form: ApplicationFilterForm) -> QuerySet[Application]:
    data = form.cleaned_data if form.is_bound else {}
    return selectors.application_list_for_city(
        city=_clerk(request).city,
        fiscal_year=data.get("fiscal_year") or None,
        status=data.get("status") or None,
    )


@city_staff_required
@require_GET
def home(request: CityStaffRequest) -> HttpResponse:
    form = _filters(request)
    applications = _filtered(request, form)
    context = {
        "city": _clerk(request).city,
        "form": form,
        "applications": applications,
        "totals": selectors.application_totals(applications),
        "query": request.GET.urlencode(),
    }
    return render(request, "subsidy/city/home.html", context)


@city_staff_required
@require_GET
def export(request: CityStaffRequest) -> HttpResponse:
    """The filtered list as CSV that Excel opens as it is (UTF-8 with BOM, CRLF)."""
    applications = _filtered(request, _filters(request))
    response = HttpResponse(applications_csv(applications), content_type="text/csv; charset=utf-8")
    today = clock.today()
    response["Content-Disposition"] = f'attachment; filename="subsidy-{today:%Y%m%d}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _detail_context(request: CityStaffRequest, application: Application) -> dict[str, object]:
    today = clock.today()
    return {
        "application": application,
        "program": application.program,
        "plan": selectors.plan_figures(application),
        "actual": selectors.actual_figures(application),
        "documents": selectors.document_list(application=application),
        "audit": selectors.audit_list(application=application),
        "registry": selectors.registry_match(application),
        "actions": actions_available(status=application.status, actor=Actor.CITY),
        "Action": Action,
        "return_form": ReturnForm(),
        "grant_form": GrantForm(
            initial={"decision_date": today, "granted_amount": application.requested_amount}
        ),
        "confirm_form": ConfirmForm(initial={"confirmed_on": today}),
        "payment_form": PaymentForm(initial={"paid_on": today}),
    }


@city_staff_required
@require_GET
def detail(request: CityStaffRequest, application_id: int) -> HttpResponse:
    application = _application(request, application_id)
    return render(request, "subsidy/city/detail.html", _detail_context(request, application))


def _clerk_act(
    request: CityStaffRequest,
    application_id: int,
    form_class: type[forms.Form],
    form_name: str,
    act: Callable[[Application, dict], object],
    done: str,
) -> HttpResponse:
    """One clerk decision: validate the form, run the service, say what happened.

    The service's own ValidationError (a date before the report, an amount above the
    request …) is shown on the form; the page is the application's, with status 400.
    """
    application = _application(request, application_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(application, form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, done)
            return redirect("city_application", application_id=application.pk)
    context = {**_detail_context(request, application), form_name: form, "failed": form_name}
    return render(request, "subsidy/city/detail.html", context, status=400)


@city_staff_required
@refusals_shown
@require_POST
def return_(request: CityStaffRequest, application_id: int) -> HttpResponse:
    """Return an application (or a report) for correction, with the reason."""
    service = report_return if request.POST.get("stage") == "report" else application_return
    return _clerk_act(
        request, application_id, ReturnForm, "return_form",
        lambda application, data: service(
            application=application, user=request.user, reason=data["reason"]
        ),
        _("差し戻しました。自治会に理由が表示されます。"),
    )  # fmt: skip


@city_staff_required
@refusals_shown
@require_POST
def grant(request: CityStaffRequest, application_id: int) -> HttpResponse:
    return _clerk_act(
        request, application_id, GrantForm, "grant_form",
        lambda application, data: application_grant(
            application=application, user=request.user, decision_date=data["decision_date"],
            decision_number=data["decision_number"], granted_amount=data["granted_amount"],
            today=clock.today(),
        ),
        _("交付決定を記録しました。"),
    )  # fmt: skip


@city_staff_required
@refusals_shown
@require_POST
def confirm(request: CityStaffRequest, application_id: int) -> HttpResponse:
    return _clerk_act(
        request, application_id, ConfirmForm, "confirm_form",
        lambda application, data: report_confirm(
            application=application, user=request.user, confirmed_on=data["confirmed_on"],
            today=clock.today(),
        ),
        _("補助金の額を確定しました。"),
    )  # fmt: skip


@city_staff_required
@refusals_shown
@require_POST
def pay(request: CityStaffRequest, application_id: int) -> HttpResponse:
    return _clerk_act(
        request, application_id, PaymentForm, "payment_form",
        lambda application, data: payment_record(
            application=application, user=request.user, paid_on=data["paid_on"],
            today=clock.today(),
        ),
        _("支払を記録しました。"),
    )  # fmt: skip


@city_staff_required
@require_GET
def document(request: CityStaffRequest, application_id: int, document_id: int) -> HttpResponse:
    application = _application(request, application_id)
    frozen = get_object_or_404(Document, pk=document_id, application=application)
    return pdf_response(bytes(frozen.pdf), frozen.file_name)


@city_staff_required
@require_GET
def receipt(request: CityStaffRequest, application_id: int, receipt_id: int) -> HttpResponse:
    """An uploaded receipt, as a download: it came from outside and is never rendered here."""
    application = _application(request, application_id)
    upload = get_object_or_404(Receipt, pk=receipt_id, application=application)
    response = HttpResponse(bytes(upload.data), content_type=upload.content_type)
    extension = "pdf" if upload.content_type == "application/pdf" else "jpg"
    response["Content-Disposition"] = (
        f'attachment; filename="receipt-{application.number}-{upload.pk}.{extension}"'
    )
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@city_staff_required
@refusals_shown
@require_http_methods(["GET", "POST"])
def registry(request: CityStaffRequest) -> HttpResponse:
    """The city's registry of 自治会等登録届: upload the list, see what it holds."""
    city = _clerk(request).city
    form = RegistryUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                source = registry_import(
                    city=city, user=request.user, file_name=upload.name, data=upload.read()
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(
                    request,
                    _("登録届の一覧を取り込みました（%(rows)d件）。") % {"rows": source.rows},
                )
                return redirect("city_registry")
        status = 400
    context = {
        "city": city,
        "form": form,
        "entries": city.registry.all(),
        "imports": city.registry_imports.select_related("imported_by")[:5],
    }
    return render(request, "subsidy/city/registry.html", context, status=status)
