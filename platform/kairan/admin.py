"""The operator's admin site, and what the apps' admin pages share."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from tenants.permissions import second_factor_gate

View = TypeVar("View", bound=Callable[..., Any])


class KairanAdminSite(admin.AdminSite):
    """The operator's console. It signs in through allauth (its rate limits, its code
    step) instead of Django's password-only form, and, as for association owners and city
    clerks, every page needs an authenticator and a session that used it: an operator
    account can read and change every association."""

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return secure_admin_login(super().login)(request, extra_context)

    def admin_view(self, view: View, cacheable: bool = False) -> View:
        @wraps(view)
        def gated(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            # Signing out needs no second factor.
            if request.path != reverse("admin:logout", current_app=self.name):
                gate = second_factor_gate(
                    request,
                    setup_message=_(
                        "運営者のアカウントは二段階認証が必要です。"
                        "認証アプリ（Google Authenticatorなど）を設定してください。"
                    ),
                )
                if gate is not None:
                    return gate
            return view(request, *args, **kwargs)

        # The parent checks has_permission (staff, active) before the gate runs.
        return super().admin_view(cast(View, gated), cacheable)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the operator may read but never add, change or delete here: records that change
    only through a service (an application's workflow) or never (an audit trail)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
