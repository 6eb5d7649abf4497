"""Staff pages of one association. Subscribers appear by display name only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from delivery import selectors
from delivery.forms import GroupForm, NoticeForm
from delivery.models import Notice, Subscriber
from delivery.services.groups import group_create
from delivery.services.notices import notice_send_now
from tenants.permissions import staff_required


@staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    context = {
        "counts": selectors.subscriber_counts(),
        "notices": selectors.notice_list()[:10],
        "groups": selectors.group_list(),
        "Status": Subscriber.Status,
    }
    return render(request, "delivery/staff/home.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def groups(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                group = group_create(**form.cleaned_data)
            except ValidationError as error:
                form.add_error("name", error.message_dict["name"])
            else:
                messages.success(
                    request, _("グループ「%(name)s」を作りました。") % {"name": group.name}
                )
                return redirect("staff_groups")
        status = 400
    context = {"form": form, "groups": selectors.group_list()}
    return render(request, "delivery/staff/groups.html", context, status=status)


@staff_required
def subscribers(request: HttpRequest) -> HttpResponse:
    context = {"subscribers": selectors.subscriber_list(), "counts": selectors.subscriber_counts()}
    return render(request, "delivery/staff/subscribers.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest) -> HttpResponse:
    form = NoticeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                notice = notice_send_now(
                    author=request.user,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    to_everyone=form.cleaned_data["to_everyone"],
                    group_ids=[g.pk for g in form.cleaned_data["groups"]],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _("%(count)d人への配信を始めました。") % {"count": notice.recipient_count},
                )
                return redirect("staff_notice", notice_id=notice.pk)
        status = 400
    else:
        status = 200
    return render(request, "delivery/staff/notice_new.html", {"form": form}, status=status)


@staff_required
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=notice_id)
    context = {"notice": notice, "counts": selectors.notice_delivery_counts(notice)}
    return render(request, "delivery/staff/notice_detail.html", context)
