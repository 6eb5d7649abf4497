"""Who may open the city portal: active city clerks, signed in with a second factor.

A clerk decides on public money and sees every association's figures, so a password alone is
not enough: the same gate as for association owners (tenants.permissions.second_factor_gate).
"""

from collections.abc import Callable
from functools import wraps
from typing import cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from subsidy.models import CityStaff
from subsidy.selectors import city_staff_get
from tenants.models import User
from tenants.permissions import refusal, second_factor_gate

__all__ = ["CityStaffRequest", "city_staff_required", "refusal"]


class CityStaffRequest(HttpRequest):
    """A request that city_staff_required let through (a type for views; see tenants.http)."""

    user: User
    city_staff: CityStaff


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
        gate = second_factor_gate(
            request,
            setup_message=_(
                "市の担当者は二段階認証が必要です。"
                "認証アプリ（Google Authenticatorなど）を設定してください。"
            ),
        )
        if gate is not None:
            return gate
        clerk_request = cast(CityStaffRequest, request)
        clerk_request.city_staff = clerk
        return view(clerk_request, *args, **kwargs)

    return wrapper
