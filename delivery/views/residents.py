"""Pages for residents, who have no accounts: join, confirm, unsubscribe."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from delivery.forms import JoinForm, PreferencesForm
from delivery.links import LinkError, link_token_read
from delivery.services import subscriptions


def resident_home(request: HttpRequest) -> HttpResponse:
    return render(request, "delivery/resident_home.html")


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                subscriptions.subscriber_join(
                    address=form.cleaned_data["address"],
                    display_name=form.cleaned_data["display_name"],
                    group_ids=[g.pk for g in form.cleaned_data["groups"]],
                    # The client address as allauth reads it (TRUSTED_PROXY_COUNT).
                    source=get_adapter(request).get_client_ip(request),
                )
            except subscriptions.JoinRefused as refusal:
                context = {"title": _("しばらくお待ちください"), "message": str(refusal)}
                return render(request, "message.html", context, status=429)
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
            # A used link says so at once: no button that could only answer "used".
            subscriptions.subscriber_confirm_check(token=token)
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


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    """A resident's own settings, opened from the link in every mail (no account)."""
    try:
        subscriber = subscriptions.subscriber_preferences_get(token=token)
    except LinkError as error:
        return _link_problem(request, error)
    initial = {"display_name": subscriber.display_name, "groups": subscriber.groups.all()}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            subscriptions.subscriber_preferences_set(
                token=token,
                display_name=form.cleaned_data["display_name"],
                group_ids=[g.pk for g in form.cleaned_data["groups"]],
            )
            messages.success(request, _("登録内容を保存しました。"))
            return redirect("preferences", token=token)
        status = 400
    else:
        status = 200
    context = {"form": form, "subscriber": subscriber, "token": token}
    return render(request, "delivery/preferences.html", context, status=status)


@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, token: str) -> HttpResponse:
    """Delete oneself entirely: GET asks, POST deletes."""
    try:
        if request.method == "GET":
            subscriptions.subscriber_preferences_get(token=token)
            return render(request, "delivery/erase.html")
        subscriptions.subscriber_erase(token=token)
    except LinkError as error:
        return _link_problem(request, error)
    return render(request, "delivery/erased.html")
