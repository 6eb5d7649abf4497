"""Public-host pages (landing, the owner's associations, sign-up) and staff entry."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tenants import selectors, services
from tenants.forms import AssociationForm
from tenants.http import AuthenticatedRequest, StaffRequest, TenantRequest
from tenants.models import Association, Membership
from tenants.permissions import session_mfa_record, session_used_mfa, staff_required


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "tenants/home.html")


@login_required
def my_associations(request: AuthenticatedRequest) -> HttpResponse:
    memberships = selectors.membership_list(user=request.user)
    return render(request, "tenants/my_associations.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def association_create(request: AuthenticatedRequest) -> HttpResponse:
    form = AssociationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            association = services.association_provision(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            return _enter(request, association)
    status = 400 if request.method == "POST" else 200
    return render(request, "tenants/association_create.html", {"form": form}, status=status)


@login_required
def association_open(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    association = Association.objects.filter(slug=slug, is_template=False).first()
    if (
        association is None
        or selectors.membership_get(user=request.user, association=association) is None
    ):
        raise Http404
    return _enter(request, association)


def _enter(request: AuthenticatedRequest, association: Association) -> HttpResponseRedirect:
    token = services.staff_entry_token(
        user=request.user, association=association, mfa=session_used_mfa(request)
    )
    return redirect(selectors.association_url(association, f"/staff/enter/{token}/"))


def staff_enter(request: TenantRequest, token: str) -> HttpResponse:
    """Tenant host: sign in by a one-time link from the public host, then open the staff pages."""
    try:
        entry = services.staff_entry_redeem(token=token, association=request.tenant)
    except PermissionError as error:
        context = {"title": _("ログインできませんでした"), "message": str(error)}
        return render(request, "message.html", context, status=403)
    login(request, entry.user, backend=settings.AUTHENTICATION_BACKENDS[0])
    if entry.mfa:
        # The code was entered on the public host a moment ago; without this an owner would
        # be asked for a second code on arriving here.
        session_mfa_record(request, entry.user, via="staff_entry")
    messages.success(request, _("ログインしました。"))
    return redirect("staff_home")


@staff_required
def staff_audit(request: StaffRequest) -> HttpResponse:
    """Owners only: what the association's staff did, newest first."""
    if request.membership.role != Membership.Role.OWNER:
        raise PermissionDenied
    actions = selectors.staff_action_list(association=request.tenant)
    return render(request, "tenants/staff_audit.html", {"actions": actions})
