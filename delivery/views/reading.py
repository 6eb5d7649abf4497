"""Residents' reading pages, opened from the links in every notice mail (no account): the
archive of notices they received and the association's file library."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from delivery import selectors
from delivery.forms import ArchiveSearchForm, LibraryFilterForm
from delivery.links import LinkError, answer_link_make, link_token_make
from delivery.media import library_file_links
from delivery.models import Answer, LibraryFile, Subscriber

_PER_PAGE = 20


def _link_problem(request: HttpRequest, error: LinkError) -> HttpResponse:
    context = {"title": _("このリンクは使えません"), "message": str(error)}
    return render(request, "message.html", context, status=error.status)


def _query_refused(request: HttpRequest) -> HttpResponse:
    context = {
        "title": _("探せませんでした"),
        "message": _("使えない文字が含まれています。別の言葉でお試しください。"),
    }
    return render(request, "message.html", context, status=400)


def library(request: HttpRequest, token: str) -> HttpResponse:
    try:
        selectors.resident_by_link(token=token, purpose="library")
    except LinkError as error:
        return _link_problem(request, error)
    filters = LibraryFilterForm(request.GET)
    if not filters.is_valid():
        return _query_refused(request)
    category = filters.cleaned_data["category"][:30]
    context = {
        "token": token,
        "files": selectors.library_file_list(category=category),
        "categories": selectors.library_categories(),
        "category": category,
    }
    return render(request, "delivery/library.html", context)


def library_file(request: HttpRequest, token: str, file_id: int) -> HttpResponse:
    try:
        selectors.resident_by_link(token=token, purpose="library")
    except LinkError as error:
        return _link_problem(request, error)
    # Looked up in the schema of the request's host only: another association's file ids
    # name nothing here, and the link's signature names this association (delivery.links).
    file = LibraryFile.objects.filter(pk=file_id).first()
    if file is None:
        context = {
            "title": _("この資料はありません"),
            "message": _("この資料は削除されたか、見つかりません。資料室の一覧をご覧ください。"),
        }
        return render(request, "message.html", context, status=404)
    context = {"token": token, "file": file, **library_file_links(file)}
    return render(request, "delivery/library_file.html", context)


def _library_token(subscriber: Subscriber) -> str:
    return link_token_make(purpose="library", subscriber_id=subscriber.pk)


def archive(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = selectors.resident_by_link(token=token, purpose="archive")
    except LinkError as error:
        return _link_problem(request, error)
    search = ArchiveSearchForm(request.GET)
    if not search.is_valid():
        return _query_refused(request)
    query = search.cleaned_data["q"][:100]
    pages = Paginator(selectors.archive_notices(subscriber=subscriber, query=query), _PER_PAGE)
    context = {
        "token": token,
        "query": query,
        "page": pages.get_page(request.GET.get("page")),
        "library_token": _library_token(subscriber),
    }
    return render(request, "delivery/archive.html", context)


def archive_notice(request: HttpRequest, token: str, notice_id: int) -> HttpResponse:
    try:
        subscriber = selectors.resident_by_link(token=token, purpose="archive")
    except LinkError as error:
        return _link_problem(request, error)
    notice = selectors.archive_notice_get(subscriber=subscriber, notice_id=notice_id)
    if notice is None:
        raise Http404
    question = selectors.notice_question(notice)
    answer_links, current = [], None
    if question is not None:
        answer_links = [
            (
                number,
                label,
                answer_link_make(
                    subscriber_id=subscriber.pk, notice_id=notice.pk, choice=number - 1
                ),
            )
            for number, label in enumerate(question.choices, 1)
        ]
        answered = Answer.objects.filter(question=question, subscriber=subscriber).first()
        current = question.choices[answered.choice] if answered else None
    context = {
        "token": token,
        "notice": notice,
        "question": question,
        "answer_links": answer_links,
        "current": current,
        "files": notice.library_files.order_by("title"),
        "library_token": _library_token(subscriber),
    }
    return render(request, "delivery/archive_notice.html", context)
