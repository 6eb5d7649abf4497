"""Residents see and change their own settings, and can delete themselves entirely."""

import re

import pytest
from django_tenants.utils import tenant_context

from delivery.composition import preferences_url
from delivery.models import Delivery, Group, Subscriber
from tests.conftest import client_for
from tests.factories import association_make, group_make, subscriber_make

pytestmark = pytest.mark.usefixtures("platform")


@pytest.fixture
def resident():
    association = association_make(slug="hana")
    han = group_make(association, "1班")
    group_make(association, "2班")
    officers = group_make(association, "役員", self_selectable=False)
    subscriber = subscriber_make(association, "登録者", "haru@example.jp", [han, officers])
    with tenant_context(association):
        path = re.sub(r"^http://[^/]+", "", preferences_url(association, subscriber.pk))
    return association, subscriber, path


def test_resident_changes_display_name_and_own_groups_only(resident) -> None:
    association, subscriber, path = resident
    browser = client_for(association)
    page = browser.get(path).content.decode()
    assert "登録者" in page and "haru@example.jp" not in page
    with tenant_context(association):
        second = Group.objects.get(name="2班")
    response = browser.post(path, {"display_name": "佐藤はる", "groups": [second.pk]})
    assert response.status_code == 302
    with tenant_context(association):
        subscriber.refresh_from_db()
        # 2班 chosen, 1班 dropped; 役員 is staff-managed and stays as staff set it.
        assert sorted(subscriber.groups.values_list("name", flat=True)) == ["2班", "役員"]
    assert subscriber.display_name == "佐藤はる"


def test_empty_display_name_is_refused(resident) -> None:
    association, subscriber, path = resident
    response = client_for(association).post(path, {"display_name": ""})
    assert response.status_code == 400
    with tenant_context(association):
        subscriber.refresh_from_db()
    assert subscriber.display_name == "登録者"


@pytest.mark.parametrize("name", ["haru@example.jp", "はる＠example.jp", "haru (at) example.jp"])
def test_an_address_as_display_name_is_refused_and_nothing_saved(resident, name) -> None:
    association, subscriber, path = resident
    response = client_for(association).post(path, {"display_name": name})
    assert response.status_code == 400
    assert "表示名にメールアドレスは使えません。" in response.content.decode()
    with tenant_context(association):
        subscriber.refresh_from_db()
    assert subscriber.display_name == "登録者"


def test_resident_deletes_themselves_entirely(resident) -> None:
    association, subscriber, path = resident
    browser = client_for(association)
    assert "すべて削除する" in browser.get(f"{path}erase/").content.decode()
    response = browser.post(f"{path}erase/")
    assert response.status_code == 200
    with tenant_context(association):
        assert not Subscriber.objects.filter(pk=subscriber.pk).exists()
        assert not Delivery.objects.filter(subscriber_id=subscriber.pk).exists()
    # The link is dead afterwards.
    assert browser.get(path).status_code == 404


def test_a_preferences_link_of_another_association_or_forged_is_refused(resident) -> None:
    association, _subscriber, path = resident
    other = association_make(slug="kusa")
    assert client_for(other).get(path).status_code == 400
    assert client_for(association).get("/me/forged-token/").status_code == 400
