"""Staff pages of one association. Residents appear by display name only."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from delivery import selectors
from delivery.addresses import join_address
from delivery.forms import (
    WEEKDAYS,
    GroupForm,
    NoticeForm,
    PaperHouseholdForm,
    SubscriberGroupsForm,
)
from delivery.models import Group, Notice, Subscriber
from delivery.paper import paper_pack_pdf
from delivery.poster import join_poster_pdf
from delivery.services import notices, subscriptions
from delivery.services.groups import group_create
from tenants.http import StaffRequest
from tenants.permissions import staff_required


@staff_required
def staff_home(request: StaffRequest) -> HttpResponse:
    context = {
        "counts": selectors.subscriber_counts(),
        "notices": selectors.notice_list()[:10],
        "join_address": join_address(request.tenant.slug),
    }
    return render(request, "delivery/staff/home.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def groups(request: StaffRequest) -> HttpResponse:
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
def subscribers(request: StaffRequest) -> HttpResponse:
    context = {"subscribers": selectors.subscriber_list(), "counts": selectors.subscriber_counts()}
    return render(request, "delivery/staff/subscribers.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def subscriber_detail(request: StaffRequest, subscriber_id: int) -> HttpResponse:
    subscriber = get_object_or_404(Subscriber, pk=subscriber_id)
    form = SubscriberGroupsForm(request.POST or None, initial={"groups": subscriber.groups.all()})
    if request.method == "POST" and form.is_valid():
        subscriptions.subscriber_groups_set(
            subscriber=subscriber, group_ids=[g.pk for g in form.cleaned_data["groups"]]
        )
        messages.success(request, _("グループを変更しました。"))
        return redirect("staff_subscribers")
    context = {"subscriber": subscriber, "form": form}
    return render(request, "delivery/staff/subscriber_detail.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def paper_household_new(request: StaffRequest) -> HttpResponse:
    form = PaperHouseholdForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            household = subscriptions.paper_household_add(
                display_name=form.cleaned_data["display_name"],
                group_ids=[g.pk for g in form.cleaned_data["groups"]],
            )
            messages.success(
                request,
                _("紙で受け取る世帯「%(name)s」を登録しました。")
                % {"name": household.display_name},
            )
            return redirect("staff_subscribers")
        return render(request, "delivery/staff/paper_new.html", {"form": form}, status=400)
    return render(request, "delivery/staff/paper_new.html", {"form": form})


@staff_required
@require_http_methods(["GET", "POST"])
def notice_new(request: StaffRequest) -> HttpResponse:
    """Compose, review (recipient count, schedule), then send or schedule."""
    form = NoticeForm(request.POST or None)
    step = request.POST.get("step", "edit")
    if request.method == "GET" or step == "edit":
        return render(request, "delivery/staff/notice_new.html", {"form": form})
    if not form.is_valid():
        return render(request, "delivery/staff/notice_new.html", {"form": form}, status=400)
    if step == "review":
        return render(request, "delivery/staff/notice_review.html", _review_context(form))
    try:
        notice = notices.notice_create(
            author=request.user,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            audience=form.audience,
            scheduled_at=form.cleaned_data["scheduled_at"]
            if form.cleaned_data["timing"] == NoticeForm.LATER
            else None,
            recurrence=_recurrence(form),
            question=form.question,
            library_file_ids=form.library_file_ids,
            send_key=_send_key(request.POST.get("send_key", "")),
        )
    except notices.NoticeAlreadyCreated as already:
        earlier = already.notice
        if earlier.status == Notice.Status.SCHEDULED:
            messages.info(request, _("このお知らせはすでに予約しています。"))
        else:
            messages.info(request, _("このお知らせはすでに送信しています。"))
        return redirect("staff_notice", notice_id=earlier.pk)
    except ValidationError as error:
        form.add_error(None, error.messages)
        return render(request, "delivery/staff/notice_new.html", {"form": form}, status=400)
    if notice.status == Notice.Status.SCHEDULED:
        messages.success(request, _("予約しました。指定の日時に自動で送ります。"))
    else:
        count = notice.recipient_count
        messages.success(
            request,
            ngettext(
                "%(count)d人への配信を始めました。", "%(count)d人への配信を始めました。", count
            )
            % {"count": count},
        )
    return redirect("staff_notice", notice_id=notice.pk)


def _send_key(value: str) -> uuid.UUID | None:
    """The review form's one-time key; a form without one (or a mangled one) still sends."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _review_context(form: NoticeForm) -> dict[str, object]:
    audience = form.audience
    return {
        "form": form,
        # Sending the same review form twice makes one notice (notices.notice_create).
        "send_key": uuid.uuid4(),
        "when": _when_label(form.cleaned_data),
        "recipient_count": selectors.audience_subscribers(audience=audience).count(),
        "groups": Group.objects.filter(pk__in=audience.group_ids),
        "individuals": Subscriber.objects.filter(pk__in=audience.individual_ids),
        "question": form.question,
        "files": form.cleaned_data["library_files"],
    }


def _when_label(data: dict) -> str:
    at = data["time_of_day"].strftime("%H:%M") if data["time_of_day"] else ""
    timing = data["timing"]
    if timing == NoticeForm.LATER:
        return date_format(timezone.localtime(data["scheduled_at"]), "Y年n月j日 H:i")
    if timing == NoticeForm.MONTHLY:
        return _("毎月%(day)s日 %(time)s") % {"day": data["day_of_month"], "time": at}
    if timing == NoticeForm.WEEKLY:
        weekday = dict(WEEKDAYS).get(data["weekday"], "")
        return _("毎週%(weekday)s %(time)s") % {"weekday": weekday, "time": at}
    return _("今すぐ")


def _recurrence(form: NoticeForm) -> notices.RecurrenceRule | None:
    frequency = form.recurrence_frequency
    if frequency is None:
        return None
    return notices.RecurrenceRule(
        frequency=frequency,
        time_of_day=form.cleaned_data["time_of_day"],
        day_of_month=form.cleaned_data["day_of_month"],
        weekday=form.cleaned_data["weekday"],
    )


@staff_required
def notice_detail(request: StaffRequest, notice_id: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=notice_id)
    question = selectors.notice_question(notice)
    replies = list(selectors.notice_replies(notice))
    for reply in replies:
        reply.choice_label = (  # type: ignore[attr-defined]  # a label for the template only
            question.choices[reply.choice] if question and reply.choice is not None else ""
        )
    context = {
        "notice": notice,
        "counts": selectors.notice_delivery_counts(notice),
        "recipients": selectors.notice_recipients(notice),
        "paper_count": selectors.paper_count(notice),
        "replies": replies,
        "question": question,
        "tally": selectors.question_tally(notice=notice, question=question) if question else None,
        "reminders": notice.reminders.all(),
        "files": notice.library_files.order_by("title"),
    }
    return render(request, "delivery/staff/notice_detail.html", context)


@staff_required
def notice_progress(request: StaffRequest, notice_id: int) -> HttpResponse:
    """The counts block of the notice page, polled while the notice is being sent."""
    notice = get_object_or_404(Notice, pk=notice_id)
    context = {"notice": notice, "counts": selectors.notice_delivery_counts(notice)}
    return render(request, "delivery/staff/_notice_progress.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def notice_edit(request: StaffRequest, notice_id: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=notice_id, status=Notice.Status.SCHEDULED)
    question = selectors.notice_question(notice)
    initial = {
        "to_everyone": notice.to_everyone,
        "groups": notice.groups.all(),
        "individuals": notice.individuals.all(),
        "subject": notice.subject,
        "body": notice.body,
        "timing": NoticeForm.LATER,
        "scheduled_at": notice.scheduled_at,
        "library_files": notice.library_files.all(),
    }
    if question is not None:
        initial.update(
            question_kind=question.kind,
            question_prompt=question.prompt,
            question_choices="\n".join(question.choices),
        )
    form = NoticeForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST":
        if form.is_valid():
            try:
                notices.notice_update(
                    notice=notice,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    audience=form.audience,
                    scheduled_at=form.cleaned_data["scheduled_at"],
                    question=form.question,
                    library_file_ids=form.library_file_ids,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("予約を変更しました。"))
                return redirect("staff_notice", notice_id=notice.pk)
        context = {"form": form, "notice": notice}
        return render(request, "delivery/staff/notice_edit.html", context, status=400)
    return render(request, "delivery/staff/notice_edit.html", {"form": form, "notice": notice})


@staff_required
@require_POST
def notice_cancel(request: StaffRequest, notice_id: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=notice_id)
    try:
        notices.notice_cancel(notice=notice, stop_repeating=request.POST.get("stop") == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("staff_notice", notice_id=notice.pk)
    messages.success(request, _("予約を取り消しました。"))
    return redirect("staff_notice", notice_id=notice.pk)


@staff_required
def notice_paper(request: StaffRequest, notice_id: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=notice_id)
    pdf = paper_pack_pdf(notice=notice, association_name=request.tenant.name)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kairan-{notice.pk}.pdf"'
    return response


@staff_required
def join_poster(request: StaffRequest) -> HttpResponse:
    """The A4 registration poster with QR codes, for the paper 回覧板."""
    response = HttpResponse(
        join_poster_pdf(association=request.tenant), content_type="application/pdf"
    )
    response["Content-Disposition"] = 'inline; filename="kairan-poster.pdf"'
    return response
