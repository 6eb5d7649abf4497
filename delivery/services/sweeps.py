"""Periodic work over every association, fanned out from the public schema.

Each reads a small public register (delivery.registry), not every schema, and sends one job
per association that has something to do; the jobs run in that association's schema.
"""

from django.conf import settings
from django.utils import timezone

from delivery import tasks
from delivery.registry.models import DueNotice, Outbox
from tenants.models import Association


def due_notices_dispatch() -> int:
    """Queue a dispatch job for every scheduled notice that has fallen due."""
    due = list(DueNotice.objects.filter(due_at__lte=timezone.now()))
    for row in due:
        tasks.notice_dispatch.send_with_options(args=(row.notice_id,), schema_name=row.schema_name)
    return len(due)


def outboxes_sweep() -> int:
    """Queue a sweep in every schema with mail in flight (dead workers' claims, lost jobs)."""
    schemas = list(Outbox.objects.values_list("schema_name", flat=True))
    for schema_name in schemas:
        tasks.outbox_sweep.send_with_options(schema_name=schema_name)
    return len(schemas)


def registrations_expire_all() -> int:
    """Queue, in every association, the deletion of confirmations nobody confirmed in time."""
    schemas = list(
        Association.objects.filter(is_template=False)
        .exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        .values_list("schema_name", flat=True)
    )
    for schema_name in schemas:
        tasks.registrations_expire.send_with_options(schema_name=schema_name)
    return len(schemas)
