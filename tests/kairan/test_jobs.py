"""Every background job runs in the schema it was sent from, on the real Redis broker."""

import dramatiq
import pytest
from django_tenants.utils import tenant_context

from tenants.connection import connection
from tests.conftest import jobs_finish
from tests.factories import association_make

pytestmark = pytest.mark.usefixtures("transactional_platform")

seen: list[tuple[str, str]] = []


@dramatiq.actor(queue_name="kairan-tests", max_retries=0)
def schema_probe(tag: str) -> None:
    seen.append((tag, connection.schema_name))


def test_a_job_runs_in_the_schema_it_was_sent_from(worker) -> None:
    seen.clear()
    north = association_make(slug="north")
    south = association_make(slug="south")
    with tenant_context(north):
        schema_probe.send("north")
    with tenant_context(south):
        schema_probe.send("south")
    schema_probe.send("public")
    jobs_finish(worker)
    assert sorted(seen) == [("north", "as_north"), ("public", "public"), ("south", "as_south")]


def test_a_job_naming_an_unknown_schema_never_runs(worker) -> None:
    seen.clear()
    schema_probe.send_with_options(args=("ghost",), schema_name="as_deleted_long_ago")
    association = association_make(slug="east")
    with tenant_context(association):
        schema_probe.send("east")
    jobs_finish(worker)
    assert seen == [("east", "as_east")]
    assert connection.schema_name == "public"
