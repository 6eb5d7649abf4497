"""Development-only pages of the public host: the local mailbox of the mail catcher."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kairan.mail_catcher import caught_mail_get, caught_mail_list


def mailbox(request: HttpRequest) -> HttpResponse:
    mails = caught_mail_list(settings.MAIL_CATCHER_DIR)
    return render(request, "kairan/mailbox.html", {"mails": mails})


def mailbox_message(request: HttpRequest, name: str) -> HttpResponse:
    try:
        mail = caught_mail_get(settings.MAIL_CATCHER_DIR, name)
    except FileNotFoundError:
        raise Http404 from None
    return render(request, "kairan/mailbox_message.html", {"mail": mail})
