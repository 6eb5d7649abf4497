"""Residents join, confirm and leave by themselves (double opt-in)."""

import re
import time

import pytest
from django.test import Client
from django.utils import translation
from django_tenants.utils import tenant_context

from delivery.links import link_token_make
from delivery.models import Delivery, Subscriber
from delivery.registry.models import InboundMessage
from delivery.services.inbound import inbound_route
from tenants.models import Membership
from tests.conftest import client_for, host_of, staff_client
from tests.factories import association_make, deliveries_run, group_make, subscriber_make

pytestmark = pytest.mark.usefixtures("platform")


@pytest.fixture
def association():
    association = association_make(slug="yamame", name="山目自治会")
    group_make(association, "1班")
    group_make(association, "役員", self_selectable=False)
    return association


def _join(association, address: str, name: str = "佐藤花子", **extra: object):
    return client_for(association).post(
        "/join/", {"address": address, "display_name": name, **extra}
    )


def _link(text: str, kind: str) -> str:
    return re.search(rf"http://\S+/{kind}/\S+/", text).group(0).split(".kairan.test", 1)[1]


def test_resident_joins_confirms_by_link_and_is_welcomed(association, mail_sink) -> None:
    response = _join(association, "hanako@example.jp")
    assert response.status_code == 302 and response["Location"] == "/join/sent/"
    deliveries_run(association)
    [confirmation] = mail_sink.wait_for(1)
    assert confirmation.message["To"] == "hanako@example.jp"
    assert "山目自治会" in confirmation.message["Subject"]

    confirm_path = _link(confirmation.text, "confirm")
    browser = client_for(association)
    page = browser.get(confirm_path)
    assert page.status_code == 200 and "登録を完了する" in page.content.decode()
    with tenant_context(association):
        assert Subscriber.objects.get().status == "pending"  # opening the link is not enough

    done = browser.post(confirm_path)
    assert done.status_code == 200 and "登録が完了しました" in done.content.decode()
    with tenant_context(association):
        assert Subscriber.objects.get().status == "active"
    deliveries_run(association)
    welcome = mail_sink.wait_for(2)[-1]
    assert "登録が完了しました" in welcome.message["Subject"]


def test_confirmation_link_works_once(association, mail_sink) -> None:
    _join(association, "once@example.jp")
    deliveries_run(association)
    path = _link(mail_sink.wait_for(1)[0].text, "confirm")
    assert client_for(association).post(path).status_code == 200
    again = client_for(association).post(path)
    assert again.status_code == 410
    assert "すでに使われています" in again.content.decode()


def test_a_used_confirmation_link_says_so_on_opening_without_a_button(
    association, mail_sink
) -> None:
    _join(association, "opened@example.jp")
    deliveries_run(association)
    path = _link(mail_sink.wait_for(1)[0].text, "confirm")
    assert client_for(association).post(path).status_code == 200
    page = client_for(association).get(path)
    assert page.status_code == 410
    text = page.content.decode()
    assert "すでに使われています。登録は完了しています。" in text
    assert "登録を完了する" not in text and '<form method="post">' not in text  # no button


def _expired_confirm_token(association, monkeypatch, settings) -> str:
    """The confirmation link of the only subscriber, signed just past its validity."""
    with tenant_context(association):
        subscriber = Subscriber.objects.get()
        signed_at = time.time() - (settings.CONFIRM_LINK_DAYS * 86400 + 60)
        monkeypatch.setattr("django.core.signing.time.time", lambda: signed_at)
        token = link_token_make(
            purpose="confirm", subscriber_id=subscriber.pk, nonce=subscriber.confirm_nonce
        )
        monkeypatch.undo()
    return token


def test_an_expired_confirmation_link_says_so_on_opening(association, monkeypatch, settings):
    _join(association, "late.opener@example.jp")
    token = _expired_confirm_token(association, monkeypatch, settings)
    page = client_for(association).get(f"/confirm/{token}/")
    assert page.status_code == 410 and "有効期限が切れています" in page.content.decode()


def test_expired_confirmation_link_is_refused(association, monkeypatch, settings) -> None:
    _join(association, "late@example.jp")
    token = _expired_confirm_token(association, monkeypatch, settings)
    response = client_for(association).post(f"/confirm/{token}/")
    assert response.status_code == 410
    assert "有効期限が切れています" in response.content.decode()
    with tenant_context(association):
        assert Subscriber.objects.get().status == "pending"


@pytest.mark.parametrize("token", ["nonsense", "eyJzIjoiYXMifQ:1abc:forgedsignature"])
def test_forged_confirmation_link_is_refused(association, token: str) -> None:
    response = client_for(association).post(f"/confirm/{token}/")
    assert response.status_code == 400
    assert "正しくありません" in response.content.decode()


def test_link_of_one_association_is_refused_by_another(association) -> None:
    other = association_make(slug="other")
    _join(association, "hanako@example.jp")
    with tenant_context(association):
        subscriber = Subscriber.objects.get()
        token = link_token_make(
            purpose="confirm", subscriber_id=subscriber.pk, nonce=subscriber.confirm_nonce
        )
    assert client_for(other).post(f"/confirm/{token}/").status_code == 400


def test_join_answers_the_same_for_new_pending_and_active_addresses(association) -> None:
    subscriber_make(association, "既存さん", "known@example.jp")
    responses = [
        _join(association, "known@example.jp"),
        _join(association, "brand-new@example.jp"),
        _join(association, "brand-new@example.jp"),
    ]
    assert {(r.status_code, r["Location"]) for r in responses} == {(302, "/join/sent/")}
    with tenant_context(association):
        known = Subscriber.objects.get(display_name="既存さん")
        assert known.status == "active"
        # No second confirmation request within minutes: the form cannot flood a mailbox.
        assert Delivery.objects.filter(kind="confirm").count() == 2


@pytest.mark.parametrize(
    "address", ["", "not-an-address", "taro@", "@example.jp", "a b@example.jp"]
)
def test_malformed_address_is_refused_and_nothing_is_written(association, address: str) -> None:
    response = _join(association, address)
    assert response.status_code == 400
    assert "メールアドレス" in response.content.decode()
    with tenant_context(association):
        assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    "typed", ["ＦＵＬＬ＠ｅｘａｍｐｌｅ．ｊｐ", "　full@example.jp　", "ｆｕｌｌ@example.jp"]
)
def test_an_address_typed_in_full_width_is_accepted_as_ascii(association, mail_sink, typed):
    response = _join(association, typed)
    assert response.status_code == 302
    deliveries_run(association)
    [confirmation] = mail_sink.wait_for(1)
    assert confirmation.message["To"] == "full@example.jp"


def test_residents_cannot_put_themselves_in_staff_managed_groups(association) -> None:
    with tenant_context(association):
        from delivery.models import Group

        officers = Group.objects.get(name="役員")
        first_group = Group.objects.get(name="1班")
    response = _join(association, "sneaky@example.jp", groups=[officers.pk])
    assert response.status_code == 400
    _join(association, "member@example.jp", groups=[first_group.pk])
    with tenant_context(association):
        assert list(Subscriber.objects.get().groups.values_list("name", flat=True)) == ["1班"]


def test_one_click_unsubscribe_needs_no_cookie_or_csrf_token(association) -> None:
    subscriber = subscriber_make(association, "鈴木", "suzuki@example.jp")
    with tenant_context(association):
        token = link_token_make(purpose="unsubscribe", subscriber_id=subscriber.pk)
    provider = Client(HTTP_HOST=host_of(association), enforce_csrf_checks=True)

    page = provider.get(f"/unsubscribe/{token}/")
    assert page.status_code == 200 and "配信を停止する" in page.content.decode()
    with tenant_context(association):
        assert Subscriber.objects.get().status == "active"

    response = provider.post(f"/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert provider.post(f"/unsubscribe/{token}/").status_code == 200  # repeating is harmless
    with tenant_context(association):
        assert Subscriber.objects.get().status == "unsubscribed"


def test_staff_see_display_names_and_status_but_no_addresses(
    association, django_user_model
) -> None:
    subscriber_make(association, "佐藤Ａ子", "sato.a.private@example.jp")
    _join(association, "pending.person@example.jp", name="確認待ちさん")
    owner = Membership.objects.get(association=association).user
    browser = staff_client(association, owner)
    for path in ["/staff/", "/staff/subscribers/", "/staff/groups/", "/staff/notices/new/"]:
        page = browser.get(path).content.decode()
        for secret in ["sato.a.private", "pending.person", "@example.jp"]:
            assert secret not in page, (path, secret)
    listing = browser.get("/staff/subscribers/").content.decode()
    assert "佐藤Ａ子" in listing and "確認待ちさん" in listing


def test_join_page_is_japanese_by_default_and_english_when_asked(association) -> None:
    japanese = client_for(association).get("/join/").content.decode()
    assert "メール配信の登録" in japanese and 'lang="ja"' in japanese
    english = client_for(association).get("/join/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Subscribe by email" in english and 'lang="en"' in english


ADDRESS_AS_NAME = "表示名にメールアドレスは使えません。"


@pytest.mark.parametrize(
    "sender",
    [
        '"kato.f@example.jp" <kato.f@example.jp>',
        "=?UTF-8?B?a2F0by5m77ygZXhhbXBsZS5qcA==?= <kato.f@example.jp>",  # kato.f＠example.jp
        '"kato.f [at] example.jp" <kato.f@example.jp>',
        "kato.f@example.jp",
    ],
)
def test_a_mail_join_whose_from_name_is_an_address_gets_the_default_name(
    association, sender
) -> None:
    raw = f"From: {sender}\r\nTo: yamame@mail.kairan.test\r\nSubject: \r\n\r\n".encode()
    message = InboundMessage.objects.create(raw=raw, recipients=["yamame@mail.kairan.test"])
    with translation.override("ja"):  # the worker's language, whatever a test before left
        assert inbound_route(message_id=message.pk) == ["join"]
    with tenant_context(association):
        assert Subscriber.objects.get().display_name == "メール登録者"
    owner = Membership.objects.get(association=association).user
    listing = staff_client(association, owner).get("/staff/subscribers/").content.decode()
    assert "メール登録者" in listing
    assert "kato.f" not in listing and "example.jp" not in listing


@pytest.mark.parametrize(
    "name",
    [
        "hanako@example.jp",
        "はなこ＠example.jp",
        "ＨＡＮＡＫＯ＠ＥＸＡＭＰＬＥ．ＪＰ",
        "hanako [at] example.jp",
    ],
)
def test_the_join_form_refuses_an_address_as_display_name(association, name) -> None:
    response = _join(association, "hanako@example.jp", name=name)
    assert response.status_code == 400
    page = response.content.decode()
    assert ADDRESS_AS_NAME in page and 'name="display_name"' in page
    with tenant_context(association):
        assert not Subscriber.objects.exists()


def test_staff_cannot_name_a_paper_household_with_an_address(association) -> None:
    owner = Membership.objects.get(association=association).user
    browser = staff_client(association, owner)
    response = browser.post(
        "/staff/subscribers/paper/new/", {"display_name": "田中 tanaka@example.jp"}
    )
    assert response.status_code == 400
    assert ADDRESS_AS_NAME in response.content.decode()
    with tenant_context(association):
        assert not Subscriber.objects.exists()
