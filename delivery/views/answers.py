"""One-click answers from a notice's mail: GET shows what will be answered, POST records it.

Mail scanners and link previews open links (GET) without anyone clicking; only the button
(POST) answers. Answering again is harmless, and another choice's link replaces the answer.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from delivery.links import LinkError
from delivery.models import Answer
from delivery.services import answers


# The signed token in the URL is the whole authorisation (whoever holds it can POST from
# anywhere), so a CSRF token would protect nothing; it would only fail in the phone browsers
# and mail apps' web views that keep no cookies between the two requests.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "GET":
            link = answers.answer_link_read(token=token)
            current = (
                Answer.objects.filter(question=link.question, subscriber=link.subscriber)
                .only("choice")
                .first()
            )
            context = {
                "link": link,
                "current": link.question.choices[current.choice] if current else "",
            }
            return render(request, "delivery/answer_confirm.html", context)
        link = answers.answer_by_link(token=token)
    except LinkError as error:
        context = {"title": _("このリンクは使えません"), "message": str(error)}
        return render(request, "message.html", context, status=error.status)
    return render(request, "delivery/answer_done.html", {"link": link})
