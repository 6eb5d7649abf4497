"""The Content-Security-Policy header, built once from settings.SECURE_CSP.

Django 6.0 brings this middleware itself, reading a setting of the same name and shape (a dict
of directive → list of sources); on that upgrade this module is replaced by
`django.middleware.csp.ContentSecurityPolicyMiddleware`. django-csp was not used: its 4.0
release declares support up to Django 5.1, and a fixed policy without nonces needs no more
than this.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def csp_header_value(policy: dict[str, list[str]]) -> str:
    """`{"default-src": ["'self'"], ...}` as a header value: `default-src 'self'; ...`."""
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Adds the site-wide policy to every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.value = csp_header_value(settings.SECURE_CSP)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Django's debug pages (404 and 500 with DEBUG on) are styled and scripted inline.
        debug_page = settings.DEBUG and response.status_code in (404, 500)
        if self.value and HEADER not in response and not debug_page:
            response[HEADER] = self.value
        return response
