"""Every mail the server accepts is metered once; a suspended association sends nothing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from billing.models import BillingAccount, UsageEvent
from delivery.audience import Audience
from delivery.models import Delivery
from delivery.services.notices import notice_create
from delivery.services.outbound import deliveries_send, outbox_sweep
from tenants.models import Membership
from tests.factories import association_make, billing_account_make, deliveries_run, subscriber_make

pytestmark = pytest.mark.usefixtures("platform")


@pytest.fixture
def town(platform, mail_sink):
    association = association_make(slug="mori")
    billing_account_make(association, date(2026, 4, 1))
    for number in range(3):
        subscriber_make(association, f"住民{number}", f"r{number}@example.jp")
    return association, Membership.objects.get(association=association).user


def test_each_accepted_mail_is_one_usage_event_even_when_sent_twice(town) -> None:
    association, owner = town
    assert deliveries_run(association) == 3  # welcome mails
    with tenant_context(association):
        notice_create(author=owner, subject="x", body="x", audience=Audience(everyone=True))
        ids = list(Delivery.objects.filter(kind="notice").values_list("pk", flat=True))
        assert deliveries_send(delivery_ids=ids) == 3
        assert deliveries_send(delivery_ids=ids) == 0
        outbox_sweep()  # re-offers everything sent: nothing is counted twice
    events = UsageEvent.objects.filter(association=association, kind="mail")
    assert events.count() == 6


def test_suspended_association_sends_nothing_and_loses_nothing(town) -> None:
    association, owner = town
    deliveries_run(association)
    with tenant_context(association):
        notice_create(author=owner, subject="x", body="x", audience=Audience(everyone=True))
    BillingAccount.objects.filter(association=association).update(
        status=BillingAccount.Status.SUSPENDED
    )
    with tenant_context(association):
        assert deliveries_run(association) == 0
        assert Delivery.objects.filter(kind="notice", status="queued").count() == 3
        with pytest.raises(ValidationError, match="配信を一時停止"):
            notice_create(author=owner, subject="y", body="y", audience=Audience(everyone=True))
    BillingAccount.objects.filter(association=association).update(
        status=BillingAccount.Status.ACTIVE
    )
    assert deliveries_run(association) == 3
