"""Who may open an association's staff pages, and the second factor some of them need.

The second factor (allauth.mfa) is required where an account can do the most harm: city clerks
(subsidy.permissions) and association owners, who manage billing, submit the subsidy
application and read the staff audit log. Editors are not required to use one (see
docs/security.md). The gate has two checks, both needed:

1. the account has an activated authenticator (TOTP, or a WebAuthn key registered in the
   browser); without one the person is sent to set up an authenticator app;
2. this session was authenticated with it: allauth records each method used to sign in, and
   a session that started before the authenticator existed (or without the code) is sent to
   enter a code (mfa_reauthenticate), which records it.

Writes (POST) are refused outright instead of redirected, so nothing changes on the way.
"""

from collections.abc import Callable
from functools import wraps
from typing import cast
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tenants.actors import acting_as
from tenants.http import StaffRequest, TenantRequest
from tenants.models import Membership, User
from tenants.selectors import membership_get

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def session_used_mfa(request: HttpRequest) -> bool:
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def session_mfa_record(request: HttpRequest, user: User, **extra: object) -> None:
    """Note in the session that `user` passed a second factor, exactly as allauth's own
    sign-in does (a record with method "mfa"); for a sign-in that carried the proof from
    elsewhere. allauth.mfa itself calls this function of allauth.account's."""
    record_authentication(request, user, "mfa", **extra)


def refusal(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    return render(request, "message.html", {"title": title, "message": message}, status=status)


def second_factor_gate(request: HttpRequest, *, setup_message: str) -> HttpResponse | None:
    """None when the signed-in user has an authenticator and this session used it; otherwise
    the response that gets them there (set one up, or enter a code), or a 403 for a write."""
    if not is_mfa_enabled(request.user, SECOND_FACTORS):
        if request.method != "GET":
            return refusal(
                request,
                _("二段階認証が必要です"),
                _("二段階認証（認証アプリ）を設定してから操作してください。"),
                403,
            )
        messages.info(request, setup_message)
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
    if not session_used_mfa(request):
        if request.method != "GET":
            return refusal(
                request,
                _("確認コードが必要です"),
                _("認証アプリの確認コードを入力してから操作してください。"),
                403,
            )
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{query}")
    return None


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let through members of the request's association (owners with a second factor); others
    get the login page, the authenticator set-up or 403. What the view writes is recorded in
    the staff audit log as this member's action."""

    @wraps(view)
    def wrapper(request: TenantRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_get(user=request.user, association=request.tenant)
        if membership is None:
            raise PermissionDenied
        if membership.role == Membership.Role.OWNER:
            gate = second_factor_gate(
                request,
                setup_message=_(
                    "自治会の管理者は二段階認証が必要です。"
                    "認証アプリ（Google Authenticatorなど）を設定してください。"
                ),
            )
            if gate is not None:
                return gate
        staff_request = cast(StaffRequest, request)
        staff_request.membership = membership
        with acting_as(user=request.user, association=request.tenant):
            return view(staff_request, *args, **kwargs)

    return wrapper
