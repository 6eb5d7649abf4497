"""Scheduled (予約配信) and repeating notices: edit or cancel until due, sent once when due."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from delivery.models import Delivery, Notice, Recurrence
from delivery.registry.models import DueNotice
from delivery.services.notices import notice_dispatch
from tenants.models import Membership
from tests.conftest import notice_post, staff_client

pytestmark = pytest.mark.usefixtures("platform")


def _staff(association):
    return staff_client(association, Membership.objects.get(association=association).user)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _due_now(association, notice_id: int) -> None:
    """Let time pass: the notice's time has come."""
    with tenant_context(association):
        Notice.objects.filter(pk=notice_id).update(scheduled_at=timezone.now())


def test_scheduled_notice_waits_until_due_then_goes_once(town) -> None:
    when = timezone.now() + timedelta(days=2)
    response = notice_post(
        _staff(town),
        {"to_everyone": "on", "subject": "総会", "body": "本文", "timing": "later",
         "scheduled_at": _local(when)},
    )  # fmt: skip
    assert response.status_code == 302
    with tenant_context(town):
        notice = Notice.objects.get()
        assert notice.status == "scheduled"
        assert not Delivery.objects.filter(kind="notice").exists()
        assert notice_dispatch(notice_id=notice.pk) == 0  # not yet due
    assert DueNotice.objects.get(notice_id=notice.pk).schema_name == town.schema_name

    _due_now(town, notice.pk)
    with tenant_context(town):
        assert notice_dispatch(notice_id=notice.pk) == 2
        assert notice_dispatch(notice_id=notice.pk) == 0  # a second run sends nothing
        assert Delivery.objects.filter(kind="notice").count() == 2
    assert not DueNotice.objects.filter(notice_id=notice.pk).exists()


def test_schedule_time_in_the_past_is_refused(town) -> None:
    response = notice_post(
        _staff(town),
        {"to_everyone": "on", "subject": "x", "body": "x", "timing": "later",
         "scheduled_at": _local(timezone.now() - timedelta(hours=1))},
    )  # fmt: skip
    assert response.status_code == 400
    assert "過ぎた日時です" in response.content.decode()
    with tenant_context(town):
        assert not Notice.objects.exists()


def test_schedule_without_time_is_refused(town) -> None:
    response = notice_post(
        _staff(town), {"to_everyone": "on", "subject": "x", "body": "x", "timing": "later"}
    )
    assert response.status_code == 400
    assert "入力してください" in response.content.decode()


def test_staff_edit_and_cancel_until_due(town) -> None:
    staff = _staff(town)
    notice_post(
        staff,
        {"to_everyone": "on", "subject": "旧件名", "body": "x", "timing": "later",
         "scheduled_at": _local(timezone.now() + timedelta(days=1))},
    )  # fmt: skip
    with tenant_context(town):
        notice = Notice.objects.get()
    later = timezone.now() + timedelta(days=3)
    response = staff.post(
        f"/staff/notices/{notice.pk}/edit/",
        {"to_everyone": "on", "subject": "新件名", "body": "y", "timing": "later",
         "scheduled_at": _local(later)},
    )  # fmt: skip
    assert response.status_code == 302
    with tenant_context(town):
        notice.refresh_from_db()
    assert notice.subject == "新件名"
    assert abs(DueNotice.objects.get(notice_id=notice.pk).due_at - later) < timedelta(minutes=1)

    assert staff.post(f"/staff/notices/{notice.pk}/cancel/").status_code == 302
    with tenant_context(town):
        notice.refresh_from_db()
        assert notice.status == "cancelled"
        _due_now(town, notice.pk)
        assert notice_dispatch(notice_id=notice.pk) == 0
    assert not DueNotice.objects.filter(notice_id=notice.pk).exists()
    # Once cancelled (or sent), it can no longer be edited.
    assert staff.get(f"/staff/notices/{notice.pk}/edit/").status_code == 404


def test_monthly_notice_schedules_its_next_occurrence_when_it_goes(town) -> None:
    response = notice_post(
        _staff(town),
        {"to_everyone": "on", "subject": "月例", "body": "x", "timing": "monthly",
         "day_of_month": "1", "time_of_day": "09:00"},
    )  # fmt: skip
    assert response.status_code == 302
    with tenant_context(town):
        first = Notice.objects.get()
        local = timezone.localtime(first.scheduled_at)
        assert (local.day, local.hour, local.minute) == (1, 9, 0)
        _due_now(town, first.pk)
        assert notice_dispatch(notice_id=first.pk) == 2
        second = Notice.objects.exclude(pk=first.pk).get()
        assert second.status == "scheduled" and second.subject == "月例"
        assert timezone.localtime(second.scheduled_at).day == 1
        assert second.scheduled_at > timezone.now()
        assert DueNotice.objects.filter(notice_id=second.pk).exists()


def test_cancelling_one_occurrence_keeps_the_series_and_stopping_ends_it(town) -> None:
    staff = _staff(town)
    notice_post(
        staff,
        {"to_everyone": "on", "subject": "週例", "body": "x", "timing": "weekly",
         "weekday": "0", "time_of_day": "07:30"},
    )  # fmt: skip
    with tenant_context(town):
        first = Notice.objects.get()
    staff.post(f"/staff/notices/{first.pk}/cancel/")
    with tenant_context(town):
        second = Notice.objects.get(status="scheduled")
        assert second.scheduled_at - first.scheduled_at == timedelta(days=7)
    staff.post(f"/staff/notices/{second.pk}/cancel/", {"stop": "1"})
    with tenant_context(town):
        assert not Notice.objects.filter(status="scheduled").exists()
        assert not Recurrence.objects.get().active
