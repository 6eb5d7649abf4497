"""Who may open an association's staff pages."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from tenants.selectors import membership_get


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let through members of the request's association; others get the login page or 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_get(user=request.user, association=request.tenant)
        if membership is None:
            raise PermissionDenied
        request.membership = membership  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
