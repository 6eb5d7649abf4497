"""Sending speed: a global rate and per-domain limits for Japanese carriers and big providers.

Carriers (docomo, au, SoftBank) and free-mail providers throttle or block senders that burst:
docomo's guidance as reported is at most about 100 recipients per SMTP session. Each domain
class has a rate (messages per second, shared by every worker through Redis; 0 means no
limit) and a number of messages per connection after which the sender reconnects. Classes
and limits come from settings (MAIL_DOMAIN_LIMITS, MAIL_RATE_PER_SECOND).
"""

import time
from dataclasses import dataclass
from functools import lru_cache

import dramatiq
from django.conf import settings

OTHER = "other"
GLOBAL = "global"


@dataclass(frozen=True)
class DomainClass:
    name: str
    per_second: float
    per_connection: int


def domain_class_of(domain: str) -> str:
    """The class of a recipient domain: the class listing it or a parent domain, else other."""
    domain = domain.lower().rstrip(".")
    table = _domain_table(_limits_key())
    while domain:
        if domain in table:
            return table[domain]
        domain = domain.partition(".")[2]
    return OTHER


def domain_class_get(name: str) -> DomainClass:
    for item in settings.MAIL_DOMAIN_LIMITS:
        if item["name"] == name:
            return DomainClass(name, float(item["per_second"]), int(item["per_connection"]))
    return DomainClass(OTHER, 0.0, settings.MAIL_PER_CONNECTION_DEFAULT)


def _limits_key() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((c["name"], tuple(c["domains"])) for c in settings.MAIL_DOMAIN_LIMITS)


@lru_cache(maxsize=4)
def _domain_table(key: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, str]:
    return {domain: name for name, domains in key for domain in domains}


def rate_acquire(*, bucket: str, count: int, per_second: float) -> None:
    """Block until `count` more messages fit into this second's allowance of the bucket.

    A fixed one-second window per bucket in Redis (INCRBY, expiring), so every worker process
    shares it. Over the limit, the claim is given back and the caller waits for the next second.
    """
    if per_second <= 0 or count <= 0:
        return
    client = dramatiq.get_broker().client
    while True:
        second = int(time.time())
        key = f"{settings.DRAMATIQ_NAMESPACE}:rate:{bucket}:{second}"
        used = client.incrby(key, count)
        if used == count:
            client.expire(key, 5)
        if used <= per_second or used == count:
            # A single chunk bigger than the rate still goes, alone in its second.
            return
        client.decrby(key, count)
        time.sleep(max(0.0, second + 1 - time.time()))
