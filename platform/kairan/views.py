"""Development-only pages of the public host: the local mailbox of the mail catcher."""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kairan.mail_catcher import caught_mail_get, caught_mail_list


def _mail_dir() -> Path:
    # These views are routed only when the catcher is on (MAIL_CATCHER_DIR set).
    if settings.MAIL_CATCHER_DIR is None:
        raise Http404
    return settings.MAIL_CATCHER_DIR


def mailbox(request: HttpRequest) -> HttpResponse:
    mails = caught_mail_list(_mail_dir())
    return render(request, "kairan/mailbox.html", {"mails": mails})


def mailbox_message(request: HttpRequest, name: str) -> HttpResponse:
    try:
        mail = caught_mail_get(_mail_dir(), name)
    except FileNotFoundError:
        raise Http404 from None
    return render(request, "kairan/mailbox_message.html", {"mail": mail})
