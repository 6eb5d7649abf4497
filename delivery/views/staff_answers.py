"""Staff pages of a notice's question: the live tally, paper answers, reminders, CSV."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from delivery import selectors
from delivery.exports import answers_csv, replies_csv
from delivery.forms import PaperAnswersForm
from delivery.models import Notice, Question
from delivery.services import answers
from tenants.http import StaffRequest
from tenants.permissions import staff_required


def _notice_and_question(notice_id: int) -> tuple[Notice, Question]:
    notice = get_object_or_404(Notice, pk=notice_id)
    question = selectors.notice_question(notice)
    if question is None:
        raise Http404
    return notice, question


@staff_required
def notice_tally(request: StaffRequest, notice_id: int) -> HttpResponse:
    """The tally block of the notice page, polled while the page is open."""
    notice, question = _notice_and_question(notice_id)
    context = {
        "notice": notice,
        "question": question,
        "tally": selectors.question_tally(notice=notice, question=question),
    }
    return render(request, "delivery/staff/_tally.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def notice_paper_answers(request: StaffRequest, notice_id: int) -> HttpResponse:
    """The answers of paper households, typed in from the circulated reply slip (回答票)."""
    notice, question = _notice_and_question(notice_id)
    households = [
        person
        for person in selectors.question_respondents(notice=notice, question=question)
        if person.paper
    ]
    form = PaperAnswersForm(
        request.POST or None, households=households, choices=list(question.choices)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = answers.paper_answers_set(
                    question=question,
                    answers=form.answers,
                    households=[h.subscriber_id for h in households],
                    author=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request, _("紙の回答を保存しました（%(n)d件を変更）。") % {"n": changed}
                )
                return redirect("staff_notice", notice_id=notice.pk)
        status = 400
    context = {"notice": notice, "question": question, "form": form, "households": households}
    return render(request, "delivery/staff/paper_answers.html", context, status=status)


@staff_required
@require_POST
def notice_remind(request: StaffRequest, notice_id: int) -> HttpResponse:
    notice, _question = _notice_and_question(notice_id)
    try:
        reminder = answers.reminder_send(notice=notice, author=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "まだ回答していない%(n)d人に、回答のお願いを送っています。",
                "まだ回答していない%(n)d人に、回答のお願いを送っています。",
                reminder.recipient_count,
            )
            % {"n": reminder.recipient_count},
        )
    return redirect("staff_notice", notice_id=notice.pk)


def _csv_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required
def notice_answers_csv(request: StaffRequest, notice_id: int) -> HttpResponse:
    notice, question = _notice_and_question(notice_id)
    people = selectors.question_respondents(notice=notice, question=question)
    return _csv_response(
        answers_csv(question=question, respondents=people), f"kairan-{notice.pk}-answers.csv"
    )


@staff_required
def notice_replies_csv(request: StaffRequest, notice_id: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=notice_id)
    question = selectors.notice_question(notice)
    return _csv_response(
        replies_csv(question=question, replies=selectors.notice_replies(notice)),
        f"kairan-{notice.pk}-replies.csv",
    )
