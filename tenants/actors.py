"""Who is acting: the staff member whose request is running, for the staff audit log.

Set once, by the staff pages' permission check (tenants.permissions.staff_required), around
the view. Write services record their action (tenants.services.staff_action_record) without
every one of them growing an `actor` argument: the services also run from workers, the
scheduler and commands, where there is no staff member and nothing is recorded as one.
A context variable, unlike a thread-local, stays right under threads and asyncio alike.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from tenants.models import Association, User


@dataclass(frozen=True)
class Actor:
    user: User
    association: Association


_current: ContextVar[Actor | None] = ContextVar("kairan_actor", default=None)


@contextmanager
def acting_as(*, user: User, association: Association) -> Iterator[Actor]:
    token = _current.set(Actor(user=user, association=association))
    try:
        yield _current.get()  # type: ignore[misc]  # set on the line above
    finally:
        _current.reset(token)


def actor_current() -> Actor | None:
    return _current.get()
