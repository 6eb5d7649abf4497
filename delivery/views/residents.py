"""Pages for residents, who have no accounts: join, confirm, unsubscribe."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from delivery.forms import JoinForm
from delivery.links import LinkError, link_token_read
from delivery.services import subscriptions


def resident_home(request: HttpRequest) -> HttpResponse:
    return render(request, "delivery/resident_home.html")


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            subscriptions.subscriber_join(
                address=form.cleaned_data["address"],
                display_name=form.cleaned_data["display_name"],
                group_ids=[g.pk for g in form.cleaned_data["groups"]],
            )
            return redirect("join_sent")
        return render(request, "delivery/join.html", {"form": form}, status=400)
    return render(request, "delivery/join.html", {"form": form})


def join_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "delivery/join_sent.html")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: mail scanners that open links confirm nothing."""
    try:
        if request.method == "GET":
            link_token_read(purpose="confirm", token=token)
            return render(request, "delivery/confirm.html")
        subscriber = subscriptions.subscriber_confirm(token=token)
    except LinkError as error:
        return _link_problem(request, error)
    return render(request, "delivery/confirmed.html", {"subscriber": subscriber})


# RFC 8058 §3.2: the one-click POST comes from the mail provider without cookies or a CSRF
# token; the signed token in the URL is the authorisation.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "GET":
            link_token_read(purpose="unsubscribe", token=token)
            return render(request, "delivery/unsubscribe.html")
        subscriptions.subscriber_unsubscribe(token=token)
    except LinkError as error:
        return _link_problem(request, error)
    return render(request, "delivery/unsubscribed.html")


def _link_problem(request: HttpRequest, error: LinkError) -> HttpResponse:
    context = {"title": _("このリンクは使えません"), "message": str(error)}
    return render(request, "message.html", context, status=error.status)
