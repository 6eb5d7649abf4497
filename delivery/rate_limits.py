"""Limits on join requests, against mail storms to a victim's address and floods from a source.

Per address (in delivery.services.subscriptions): confirmation mails are not repeated within
minutes and at most JOIN_CONFIRMATIONS_PER_DAY go to one address a day. Per source (a
client IP for the web form, the sending server for mail), site-wide: at most
JOIN_REQUESTS_PER_HOUR_PER_SOURCE join requests an hour. Counters live in the cache (Redis),
under keys kept site-wide (kairan.cache_keys).
"""

import time

from django.conf import settings
from django.core.cache import cache


def source_allowed(*, source: str) -> bool:
    """Count one join request from this source; False once it is over the hourly limit."""
    if not source:
        return True
    key = f"ratelimit:join:{source}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=3600)
    return cache.incr(key) <= settings.JOIN_REQUESTS_PER_HOUR_PER_SOURCE
