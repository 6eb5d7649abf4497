"""Usage events are recorded once per key, from inside an association's schema too."""

from datetime import UTC, date, datetime

import pytest
from django_tenants.utils import tenant_context

from billing.models import UsageEvent
from billing.selectors import usage_count
from billing.services import usage_record, usage_record_many
from tenants.connection import connection
from tests.factories import association_make

pytestmark = pytest.mark.usefixtures("platform")


def test_a_duplicate_usage_event_is_not_counted_twice() -> None:
    association = association_make(slug="ichi")
    assert usage_record(association=association, kind="mail", key="delivery-1") is True
    assert usage_record(association=association, kind="mail", key="delivery-1") is False
    assert UsageEvent.objects.filter(association=association).count() == 1


def test_keys_are_per_association() -> None:
    first, second = association_make(slug="nii"), association_make(slug="sann")
    assert usage_record(association=first, kind="mail", key="delivery-1")
    assert usage_record(association=second, kind="mail", key="delivery-1")


def test_the_hook_works_from_inside_the_tenant_schema_and_writes_to_public() -> None:
    association = association_make(slug="shii")
    with tenant_context(association):
        assert connection.schema_name == association.schema_name
        assert usage_record(association=association, kind="mail", key="a")
        assert usage_record_many(association=association, kind="mail", keys=["a", "b", "c"]) == 2
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM public.billing_usageevent WHERE association_id = %s",
            [association.pk],
        )
        assert cursor.fetchone()[0] == 3
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = %s AND table_name = 'billing_usageevent'",
            [association.schema_name],
        )
        assert cursor.fetchone()[0] == 0  # no copy in the association's schema


def test_a_batch_counts_each_new_key_once() -> None:
    association = association_make(slug="goo")
    keys = ["k1", "k2", "k2", "k3"]
    assert usage_record_many(association=association, kind="mail", keys=keys) == 3
    assert usage_record_many(association=association, kind="mail", keys=[*keys, "k4"]) == 1
    assert usage_record_many(association=association, kind="mail", keys=[]) == 0


def test_usage_is_counted_by_month_in_japan_time() -> None:
    association = association_make(slug="roku")
    # 2025-04-30 15:30 UTC is 1 May 00:30 in Japan.
    usage_record(
        association=association,
        kind="mail",
        key="late",
        occurred_at=datetime(2025, 4, 30, 15, 30, tzinfo=UTC),
    )
    usage_record(
        association=association, kind="mail", key="bulk", quantity=4,
        occurred_at=datetime(2025, 4, 30, 14, 59, tzinfo=UTC),
    )  # fmt: skip
    assert usage_count(association_id=association.pk, month=date(2025, 4, 1)) == 4
    assert usage_count(association_id=association.pk, month=date(2025, 5, 1)) == 1


@pytest.mark.parametrize(
    ("kind", "key", "quantity"), [("paper", "k", 1), ("mail", "", 1), ("mail", "k", 0)]
)
def test_bad_usage_is_refused_clearly(kind: str, key: str, quantity: int) -> None:
    association = association_make(slug=f"bad{len(key)}{quantity}{kind[0]}")
    with pytest.raises(ValueError):
        usage_record(association=association, kind=kind, key=key, quantity=quantity)
