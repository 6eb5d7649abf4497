"""The staff audit log: who did what, when, in which association; owners and the operator
read it; nothing in it is an email address; nobody can edit it afterwards."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from delivery.models import Group, Notice
from delivery.services.notices import notice_dispatch
from tenants.actors import acting_as
from tenants.models import Membership, StaffAction
from tests.conftest import notice_post, second_factor_pass, staff_client
from tests.factories import (
    application_make,
    association_make,
    group_make,
    subscriber_make,
    user_make,
)

pytestmark = pytest.mark.usefixtures("platform")


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_staff_actions_are_recorded_and_shown_to_owners_only() -> None:
    owner = user_make()
    owner.first_name, owner.last_name = "太郎", "一関"
    owner.save()
    association = association_make(slug="kiroku", owner=owner)
    han = group_make(association, "1班")
    resident = subscriber_make(association, "佐藤", "sato@example.jp", [han])
    editor = user_make()
    Membership.objects.create(user=editor, association=association, role="editor")
    boss, helper = staff_client(association, owner), staff_client(association, editor)

    assert helper.post("/staff/groups/", {"name": "役員"}).status_code == 302
    officers = _group_id(association, "役員")
    helper.post(f"/staff/subscribers/{resident.pk}/", {"groups": [han.pk, officers]})
    helper.post("/staff/subscribers/paper/new/", {"display_name": "田中家", "groups": [han.pk]})
    # An address typed into a subject is not kept in the log.
    notice_post(boss, {"to_everyone": "on", "subject": "連絡先 kaicho@example.jp", "body": "x"})
    notice_post(
        boss,
        {"to_everyone": "on", "subject": "予約の回覧", "body": "x", "timing": "later",
         "scheduled_at": _local(timezone.now() + timedelta(days=1))},
    )  # fmt: skip
    with tenant_context(association):
        scheduled = Notice.objects.get(subject="予約の回覧")
    boss.post(f"/staff/notices/{scheduled.pk}/cancel/")

    log = list(StaffAction.objects.filter(association=association).order_by("pk"))
    assert [(a.action, a.role, a.user_id) for a in log] == [
        ("group.create", "editor", editor.pk),
        ("subscriber.groups", "editor", editor.pk),
        ("paper.add", "editor", editor.pk),
        ("notice.send", "owner", owner.pk),
        ("notice.schedule", "owner", owner.pk),
        ("notice.cancel", "owner", owner.pk),
    ]
    assert [a.target for a in log][:3] == ["役員", "佐藤", "田中家"]
    for action in log:
        assert "@" not in f"{action.target} {action.actor_name}"

    page = boss.get("/staff/audit/")
    assert page.status_code == 200
    html = page.content.decode()
    for expected in ("太郎 一関", "お知らせを予約", "予約を取り消し", "田中家", "編集者"):
        assert expected in html, expected
    assert "@" not in html.split("<main", 1)[1]
    assert helper.get("/staff/audit/").status_code == 403


def test_the_log_is_per_association_and_the_operator_sees_all(two_owners) -> None:
    first, _second = two_owners
    operator = user_make()
    operator.is_staff = operator.is_superuser = True
    operator.save()
    admin = Client(HTTP_HOST="kairan.test")
    admin.force_login(operator)
    second_factor_pass(admin, operator)
    page = admin.get("/admin/tenants/staffaction/").content.decode()
    assert "一班" in page and "二班" in page
    own = staff_client(first[0], first[1]).get("/staff/audit/").content.decode()
    assert "一班" in own and "二班" not in own


@pytest.fixture
def two_owners():
    pairs = []
    for slug, group in (("ichiban", "一班"), ("niban", "二班")):
        owner = user_make()
        association = association_make(slug=slug, owner=owner)
        staff_client(association, owner).post("/staff/groups/", {"name": group})
        pairs.append((association, owner))
    return pairs


def test_a_subsidy_submission_is_recorded_as_the_owners_action() -> None:
    from datetime import date

    from subsidy.services.applications import application_submit

    owner = user_make()
    association = association_make(slug="hojo", owner=owner)
    application = application_make(association)
    with acting_as(user=owner, association=association):  # as staff_required does
        application_submit(application=application, user=owner, today=date(2024, 5, 1))
    [action] = StaffAction.objects.filter(association=association)
    assert action.action == "subsidy.submit" and action.role == "owner"
    assert "年度" in action.target


def test_work_done_outside_a_staff_request_records_no_one() -> None:
    association = association_make(slug="yoyaku")
    subscriber_make(association, "佐藤", "sato@example.jp")
    with tenant_context(association):
        notice = Notice.objects.create(
            subject="s", body="b", to_everyone=True, status="scheduled", scheduled_at=timezone.now()
        )
        assert notice_dispatch(notice_id=notice.pk) == 1  # the scheduler sends it
    assert not StaffAction.objects.filter(association=association).exists()


def test_postgresql_refuses_to_change_or_delete_a_record() -> None:
    owner = user_make()
    association = association_make(slug="kotei", owner=owner)
    staff_client(association, owner).post("/staff/groups/", {"name": "班"})
    action = StaffAction.objects.get(association=association)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffAction.objects.filter(pk=action.pk).update(target="改ざん")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffAction.objects.filter(pk=action.pk).delete()


def _group_id(association, name: str) -> int:
    with tenant_context(association):
        return Group.objects.get(name=name).pk
