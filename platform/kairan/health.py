"""Liveness (`/healthz`) and readiness (`/readyz`) endpoints, answered on every host.

Load balancers and Kubernetes probe a process by its address: the Host header is a pod IP,
a node name or whatever the balancer was configured with, never an association's host. So
these two paths are answered by a middleware placed before django-tenants' one, which would
answer 404 for a host it does not know, and before anything that calls `request.get_host()`,
which would refuse a host missing from ALLOWED_HOSTS. Skipping the host check is safe here
and only here: the answers never use the host (no links, no redirects, no tenant), and the
exemption is an exact match on two paths.

Liveness does no I/O: a database outage must not make Kubernetes restart every web process.
Readiness checks the database (`SELECT 1`) and the broker's Redis (`PING`) and answers 503,
naming the failed part, so the balancer stops sending traffic until they are back.
"""

import logging
from collections.abc import Callable
from functools import lru_cache

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse

logger = logging.getLogger(__name__)

# A probe has its own timeout (a few seconds); a hung Redis must fail the check before that.
REDIS_TIMEOUT_SECONDS = 2.0


def _database_check() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


@lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )


def _broker_check() -> None:
    # The broker's own client has no timeouts; this one talks to the same server.
    _redis_client(settings.REDIS_URL).ping()


READINESS_CHECKS: dict[str, Callable[[], None]] = {
    "database": _database_check,
    "broker": _broker_check,
}


def readiness_report() -> dict[str, str]:
    """Each dependency's state: "ok", or the name of the error that its check raised."""
    report = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception as error:
            # The body shows only the error's class: messages can name hosts and users.
            logger.warning("readiness: %s check failed: %s", name, error)
            report[name] = type(error).__name__
        else:
            report[name] = "ok"
    return report


def _liveness(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def _readiness(request: HttpRequest) -> HttpResponse:
    checks = readiness_report()
    failed = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "unavailable" if failed else "ok", "checks": checks}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)


_ENDPOINTS = {"/healthz": _liveness, "/readyz": _readiness}


class HealthMiddleware:
    """Answers /healthz and /readyz before tenant routing and host validation."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        endpoint = _ENDPOINTS.get(request.path_info)
        if endpoint is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        response = endpoint(request)
        response["Cache-Control"] = "no-store"
        return response
