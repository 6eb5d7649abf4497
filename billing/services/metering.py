"""Metering: usage events recorded once per idempotency key, cheap enough to call per mail.

The delivery code calls these from inside an association's schema (its worker runs there).
The usage table lives in the public schema; the statements below name that schema outright,
so they reach it whatever `search_path` the tenant connection has set.
"""

from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from billing.models import UsageEvent
from tenants.models import Association

_KINDS = frozenset(UsageEvent.Kind.values)
_KEY_MAX = UsageEvent._meta.get_field("key").max_length


def _table() -> str:
    return f'"{settings.PUBLIC_SCHEMA_NAME}"."{UsageEvent._meta.db_table}"'


def _check(kind: str, keys: list[str], quantity: int) -> None:
    if kind not in _KINDS:
        raise ValueError(f"unknown usage kind {kind!r}; expected one of {sorted(_KINDS)}")
    if quantity < 1:
        raise ValueError("quantity must be at least 1")
    for key in keys:
        if not key or len(key) > _KEY_MAX:
            raise ValueError(f"a usage key must have 1 to {_KEY_MAX} characters")


def usage_record(
    *,
    association: Association,
    kind: str,
    key: str,
    quantity: int = 1,
    occurred_at: datetime | None = None,
) -> bool:
    """Record one usage event; True if new, False if this key was already recorded."""
    _check(kind, [key], quantity)
    # One statement, no read first: a redelivered message's insert conflicts on the unique
    # (association, kind, key) and does nothing (INSERT … ON CONFLICT DO NOTHING).
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table()} "  # noqa: S608 (table name from the model)
            "(association_id, kind, key, quantity, occurred_at, recorded_at) "
            "VALUES (%s, %s, %s, %s, %s, now()) "
            "ON CONFLICT (association_id, kind, key) DO NOTHING RETURNING id",
            [association.pk, kind, key, quantity, occurred_at or timezone.now()],
        )
        return cursor.fetchone() is not None


def usage_record_many(
    *,
    association: Association,
    kind: str,
    keys: list[str],
    occurred_at: datetime | None = None,
) -> int:
    """Record one event (quantity 1) per key in one statement; returns how many were new."""
    keys = list(dict.fromkeys(keys))  # the same key twice in one batch counts once
    _check(kind, keys, 1)
    if not keys:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table()} "  # noqa: S608 (table name from the model)
            "(association_id, kind, key, quantity, occurred_at, recorded_at) "
            "SELECT %s, %s, key, 1, %s, now() FROM unnest(%s::text[]) AS key "
            "ON CONFLICT (association_id, kind, key) DO NOTHING",
            [association.pk, kind, occurred_at or timezone.now(), keys],
        )
        return cursor.rowcount
