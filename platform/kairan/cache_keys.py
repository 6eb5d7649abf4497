"""Cache keys: per association, except the counters that must see every host at once.

django-tenants' key function puts the connection's schema in front of every key, so one
association's cached entries never answer another's. allauth's rate limits live in the same
cache; keyed per schema they would count failed sign-ins per host, and since /accounts/ is
served on every association's host, an attacker would get a fresh budget on each of them.
Those keys are put in the public schema's key space instead, whatever host the request came to.
"""

from django.conf import settings

from tenants.connection import connection

# allauth.core.internal.ratelimit: "allauth:rl:<app>:<action>:<rate>:<source>" (and ":lock");
# delivery.rate_limits: "ratelimit:<what>:<source>".
_SITE_WIDE_PREFIXES = ("allauth:rl:", "ratelimit:")


def cache_key_make(key: str, key_prefix: str, version: int) -> str:
    """django_tenants.cache.make_key, with allauth's rate-limit counters kept site-wide."""
    schema = (
        settings.PUBLIC_SCHEMA_NAME
        if key.startswith(_SITE_WIDE_PREFIXES)
        else connection.schema_name
    )
    return f"{schema}:{key_prefix}:{version}:{key}"
