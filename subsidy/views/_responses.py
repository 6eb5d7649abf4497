"""How the subsidy pages answer refusals: a page that says why, with the right status."""

from collections.abc import Callable
from functools import wraps

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from subsidy.permissions import refusal
from subsidy.workflow import TransitionRefused


def refusals_shown(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A move the workflow forbids is 409 Conflict; a person without the right is 403.

    Either way the page says what happened in plain words and nothing was changed (the
    services raise before they write, inside their transaction).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except TransitionRefused as error:
            return refusal(request, _("この操作はできません"), error.message, 409)
        except PermissionDenied as error:
            message = str(error) or _("この操作をする権限がありません。")
            return refusal(request, _("この操作はできません"), message, 403)

    return wrapper


def pdf_response(pdf: bytes, file_name: str, *, download: bool = False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def form_errors_from(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, if the form has
    one, else above the form."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            target = field if field in form.fields else None
            for problem in problems:
                form.add_error(target, problem)
    else:
        for problem in error.messages:
            form.add_error(None, problem)
