"""Billing jobs on the real Redis broker with a real dramatiq worker."""

import importlib
from datetime import date

import dramatiq
import pytest
from django.apps import apps
from django_tenants.utils import tenant_context

from billing import tasks
from billing.models import Invoice, UsageEvent
from billing.services import usage_record
from tenants.connection import connection
from tests.conftest import jobs_finish
from tests.factories import association_make, billing_account_make

pytestmark = pytest.mark.usefixtures("transactional_platform")


@pytest.fixture(autouse=True)
def _standard_plan(transactional_platform: None) -> None:
    # Transactional tests flush every table, data-migrated rows too: put the plan back.
    migration = importlib.import_module("billing.migrations.0002_standard_plan")
    migration.standard_plan_create(apps, None)


runs: list[tuple[str, str, bool]] = []


@dramatiq.actor(queue_name="kairan-tests", max_retries=0)
def mail_accepted(key: str) -> None:
    """Stands in for the delivery job: reports one mail accepted, from its tenant schema."""
    new = usage_record(association=connection.tenant, kind="mail", key=key)
    runs.append((connection.schema_name, key, new))


def test_a_redelivered_message_does_not_count_a_mail_twice(worker) -> None:
    runs.clear()
    association = association_make(slug="saikai")
    with tenant_context(association):
        message = mail_accepted.message("delivery-41")
        # What the broker does when a worker dies before acknowledging: the same message again.
        worker.broker.enqueue(message)
        worker.broker.enqueue(message)
        mail_accepted.send("delivery-42")
    jobs_finish(worker)
    schema = association.schema_name
    # Both deliveries of the same message ran, in the association's schema; the second
    # found the key already recorded and counted nothing.
    assert sorted(runs) == [
        (schema, "delivery-41", False), (schema, "delivery-41", True),
        (schema, "delivery-42", True),
    ]  # fmt: skip
    keys = UsageEvent.objects.filter(association=association).values_list("key", flat=True)
    assert sorted(keys) == ["delivery-41", "delivery-42"]


def test_the_monthly_close_fans_out_and_is_safe_to_run_twice(worker) -> None:
    first = association_make(slug="shimekiri")
    second = association_make(slug="shimekiri-ni")
    for association in (first, second):
        billing_account_make(association, date(2025, 3, 1))
    tasks.billing_month_close.send("2025-04-01")
    tasks.billing_month_close.send("2025-04-01")
    jobs_finish(worker)
    invoices = Invoice.objects.filter(billing_month=date(2025, 4, 1))
    assert sorted(i.account.association.slug for i in invoices) == ["shimekiri", "shimekiri-ni"]
    assert sorted(i.number for i in invoices) == ["KI-000001", "KI-000002"]
