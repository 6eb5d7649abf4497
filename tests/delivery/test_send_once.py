"""Sending the review form twice (a second tap, a network retry) makes one notice."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from delivery.models import Delivery, Notice
from tenants.models import Membership
from tests.conftest import notice_post, staff_client

pytestmark = pytest.mark.usefixtures("platform")


def _form(association, **data) -> dict:
    with tenant_context(association):
        from delivery.models import Group

        han = Group.objects.get(name="1班").pk
    return {"groups": [han], "subject": "総会のお知らせ", "body": "日曜に総会です。", **data}


def _send_key(client, data: dict) -> str:
    """The one-time key the review page puts in its form."""
    page = notice_post(client, data, step="review").content.decode()
    match = re.search(r'name="send_key" value="([0-9a-f-]{36})"', page)
    assert match, "the review form carries a send key"
    return match.group(1)


def _notice_deliveries(association) -> int:
    with tenant_context(association):
        return Delivery.objects.filter(kind=Delivery.Kind.NOTICE).count()


def test_sending_the_same_review_form_twice_makes_one_notice(town) -> None:
    client = staff_client(town, Membership.objects.get(association=town).user)
    data = _form(town)
    data["send_key"] = _send_key(client, data)

    first = notice_post(client, data)
    second = notice_post(client, data, step="send")

    with tenant_context(town):
        notice = Notice.objects.get()
    assert _notice_deliveries(town) == 2  # one per resident
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/staff/notices/{notice.pk}/"
    page = client.get(second["Location"]).content.decode()
    assert "このお知らせはすでに送信しています。" in page


def test_scheduling_the_same_review_form_twice_makes_one_notice(town) -> None:
    client = staff_client(town, Membership.objects.get(association=town).user)
    when = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = _form(town, timing="later", scheduled_at=when)
    data["send_key"] = _send_key(client, data)

    first = notice_post(client, data)
    second = notice_post(client, data)

    with tenant_context(town):
        assert Notice.objects.get().status == Notice.Status.SCHEDULED
    assert first["Location"] == second["Location"]
    assert "このお知らせはすでに予約しています。" in client.get(second["Location"]).content.decode()


def test_each_review_gives_a_new_key_so_a_second_notice_can_be_sent(town) -> None:
    client = staff_client(town, Membership.objects.get(association=town).user)
    data = _form(town)
    for _ in range(2):
        notice_post(client, {**data, "send_key": _send_key(client, data)})

    with tenant_context(town):
        assert Notice.objects.count() == 2
    assert _notice_deliveries(town) == 4
