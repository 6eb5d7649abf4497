"""The tenant URL conf's routes, as tests walk them (isolation, privacy)."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

# Harmless values for route arguments a walk does not care about.
SAMPLE_IDS = {
    "program_id": 1, "application_id": 1, "document_id": 1, "line_id": 1,
    "kind": "application", "number": "1", "key": "x", "uidb36": "1", "pk": 1,
    "file_id": 1, "receipt_id": 1,
}  # fmt: skip


def tenant_routes() -> list[str]:
    """Every URL pattern of the tenant URL conf, in Django's own notation, prefix included."""
    routes: list[str] = []

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            text = str(pattern.pattern).removeprefix("^").removesuffix("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + text)
            elif isinstance(pattern, URLPattern):
                routes.append(prefix + text)

    walk(get_resolver("kairan.urls_tenant").url_patterns, "")
    return routes


def route_fill(route: str, values: dict[str, object]) -> str:
    """The path of a route with its arguments (path converters or regex groups) filled in;
    a route with an argument missing from `values` fails the test that walks it."""

    def value(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        assert name in values, f"no sample value for <{name}> in {route}"
        return str(values[name])

    path = re.sub(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", value, route)
    assert not re.search(r"[<(\\^$]", path), f"cannot fill {route}"
    return "/" + path


def is_staff_route(route: str) -> bool:
    return route.startswith("staff/") and not route.startswith("staff/enter/")


def staff_paths(ids: dict[str, object]) -> list[str]:
    """Every staff URL with the given ids (and harmless samples for the rest) filled in."""
    return [
        route_fill(route, {**SAMPLE_IDS, **ids})
        for route in tenant_routes()
        if is_staff_route(route)
    ]
