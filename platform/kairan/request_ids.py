"""Request ids: one per web request, carried into the jobs it sends, on every log line.

The id comes from the `X-Request-ID` header that a load balancer or proxy sets (so one id
follows a request through every tier) when it looks sane, or is generated here; it is echoed
in the response. Jobs sent while handling a request carry the id in their message options,
so a worker's log lines about a notice can be found from the click that sent it.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

import dramatiq
from django.http import HttpRequest, HttpResponse
from dramatiq.broker import MessageProxy
from dramatiq.middleware import Middleware

logger = logging.getLogger("kairan.request")

HEADER = "X-Request-ID"
JOB_OPTION = "request_id"

# Letters, digits and a few separators: what proxies generate (UUIDs, hex, ALB trace ids).
# No spaces, quotes or newlines (log injection) and no "@" (no address can ride in on it).
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+-]{0,127}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def request_id_get() -> str | None:
    """The id of the request or job this thread is working for, if any."""
    return _current.get()


def request_id_set(request_id: str | None) -> None:
    _current.set(request_id)


def request_id_accept(raw: str | None) -> str:
    """The caller's id when it is sane, else a new one."""
    if raw and _SANE.fullmatch(raw):
        return raw
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Binds the request id for the request's log lines, echoes it, logs one line per request.

    It sits before django-tenants' middleware, so even a 404 for an unknown host has an id.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_accept(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]  # our own attribute, read by logs and templates
        token = _current.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            match = getattr(request, "resolver_match", None)
            # The route pattern, not the path: paths carry residents' link tokens.
            route = match.route if match is not None else "-"
            logger.info(
                "%s %s %s",
                request.method,
                route,
                response.status_code,
                extra={
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _current.reset(token)


class JobRequestId(Middleware):
    """dramatiq: a message carries the id of the request that sent it; the worker binds it.

    A job sent outside any request (the scheduler, a command) is known by its message id.
    Place it before the schema middleware, so that a refused job's log line has its id too.
    """

    def before_enqueue(
        self, broker: dramatiq.Broker, message: dramatiq.Message, delay: int
    ) -> None:
        # setdefault: a retry is enqueued again by the worker and keeps the first id.
        request_id = _current.get()
        if request_id:
            message.options.setdefault(JOB_OPTION, request_id)

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        _current.set(message.options.get(JOB_OPTION) or message.message_id)

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: MessageProxy,
        *,
        result: object = None,
        exception: BaseException | None = None,
    ) -> None:
        _current.set(None)

    def after_skip_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        _current.set(None)
