"""Who may open the city portal: active city clerks, signed in with a second factor.

A clerk decides on public money and sees every association's figures, so a password alone is
not enough. Two checks, both needed:

1. the account has an activated TOTP authenticator (allauth.mfa); without one the clerk is
   sent to set it up;
2. this session was authenticated with it: allauth records each method used to sign in, and
   a session that started before the authenticator existed (or without the code) is sent to
   enter a code (mfa_reauthenticate), which records it.

Writes (POST) are refused outright instead of redirected, so nothing changes on the way.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from subsidy.selectors import city_staff_get


def session_used_mfa(request: HttpRequest) -> bool:
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def refusal(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    return render(request, "message.html", {"title": title, "message": message}, status=status)


def city_staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        clerk = city_staff_get(user=request.user)
        if clerk is None:
            return refusal(
                request,
                _("このページは開けません"),
                _(
                    "このページは市の担当者だけが使えます。市の担当者のアカウントでログインしてください。"
                ),
                403,
            )
        if not is_mfa_enabled(request.user, [Authenticator.Type.TOTP]):
            if request.method != "GET":
                return refusal(
                    request,
                    _("二段階認証が必要です"),
                    _("二段階認証（認証アプリ）を設定してから操作してください。"),
                    403,
                )
            messages.info(
                request,
                _(
                    "市の担当者は二段階認証が必要です。"
                    "認証アプリ（Google Authenticatorなど）を設定してください。"
                ),
            )
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
        request.city_staff = clerk  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
