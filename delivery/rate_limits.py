"""Limits on join requests, against mail storms to a victim's address and floods from a source.

Per address (the keyed hash, per association): confirmation mails are not repeated within
CONFIRM_RESEND_AFTER and at most JOIN_CONFIRMATIONS_PER_DAY go out a day. Per source (a
client IP for the web form, the sending server for mail), site-wide: at most
JOIN_REQUESTS_PER_HOUR_PER_SOURCE join requests an hour. Counters live in Redis.
"""

import time

import dramatiq
from django.conf import settings


def source_allowed(*, source: str) -> bool:
    """Count one join request from this source; False once it is over the hourly limit."""
    if not source:
        return True
    client = dramatiq.get_broker().client
    key = f"{settings.DRAMATIQ_NAMESPACE}:joins:{source}:{int(time.time() // 3600)}"
    used = client.incr(key)
    if used == 1:
        client.expire(key, 3600)
    return used <= settings.JOIN_REQUESTS_PER_HOUR_PER_SOURCE
