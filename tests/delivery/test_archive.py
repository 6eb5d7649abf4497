"""Residents browse and search the notices they received, by the link in every mail."""

import re

import pytest
from django_tenants.utils import tenant_context

from delivery.audience import Audience
from delivery.links import link_token_make
from delivery.models import Answer, Delivery, Subscriber
from delivery.questions import question_spec_make
from delivery.services.notices import notice_create
from tenants.models import Membership
from tests.conftest import client_for
from tests.factories import association_make, deliveries_run, group_make, subscriber_make

pytestmark = pytest.mark.usefixtures("platform")


def _notice(association, subject: str, body: str, audience: Audience, question=None):
    with tenant_context(association):
        return notice_create(
            author=Membership.objects.get(association=association).user,
            subject=subject,
            body=body,
            audience=audience,
            question=question,
        )


@pytest.fixture
def street(mail_sink):
    association = association_make(slug="dori")
    han1 = group_make(association, "1班")
    han2 = group_make(association, "2班")
    subscriber_make(association, "佐藤", "sato@example.jp", [han1])
    subscriber_make(association, "鈴木", "suzuki@example.jp", [han2])
    with tenant_context(association):
        Delivery.objects.update(status="sent")
    _notice(association, "ごみ収集日の変更", "燃えるごみは火曜日です。", Audience(everyone=True))
    _notice(
        association,
        "1班の回覧",
        "班長会のお知らせです。",
        Audience(group_ids=(han1.pk,)),
        question=question_spec_make(kind="attendance"),
    )
    _notice(association, "2班だけのお知らせ", "2班の清掃です。", Audience(group_ids=(han2.pk,)))
    deliveries_run(association)
    return association


def _archive_link(mail_sink, address: str) -> str:
    mail = [m for m in mail_sink.wait_for(4) if m.message["To"] == address][-1]
    [path] = set(re.findall(r"http://dori\.kairan\.test(/archive/[^/\s]+/)", mail.text))
    return path


def test_the_archive_lists_only_the_notices_the_resident_received(street, mail_sink) -> None:
    archive = _archive_link(mail_sink, "sato@example.jp")
    page = client_for(street).get(archive)
    assert page.status_code == 200
    html = page.content.decode()
    assert "ごみ収集日の変更" in html and "1班の回覧" in html
    assert "2班だけのお知らせ" not in html

    found = client_for(street).get(archive, {"q": "火曜日"}).content.decode()
    assert "ごみ収集日の変更" in found and "1班の回覧" not in found
    assert "「火曜日」を含むお知らせ：1件" in found
    nothing = client_for(street).get(archive, {"q": "花火大会"}).content.decode()
    assert "見つかりませんでした" in nothing


def test_an_archived_notice_shows_its_text_and_lets_the_resident_answer(street, mail_sink):
    archive = _archive_link(mail_sink, "sato@example.jp")
    html = client_for(street).get(archive).content.decode()
    [notice_path] = re.findall(r'href="(/archive/[^"]+/\d+/)">1班の回覧', html)
    page = client_for(street).get(notice_path).content.decode()
    assert "班長会のお知らせです。" in page
    links = re.findall(r'href="(/a/[^"]+/)"', page)
    assert len(links) == 2
    client_for(street).post(links[1])
    with tenant_context(street):
        assert Answer.objects.get().choice == 1
    assert "いまの回答：「欠席」" in client_for(street).get(notice_path).content.decode()


def test_a_notice_the_resident_did_not_receive_is_not_in_their_archive(street, mail_sink):
    archive = _archive_link(mail_sink, "sato@example.jp")
    with tenant_context(street):
        from delivery.models import Notice

        other = Notice.objects.get(subject="2班だけのお知らせ")
    assert client_for(street).get(f"{archive}{other.pk}/").status_code == 404


def test_archive_links_are_refused_elsewhere_and_after_leaving(street, mail_sink) -> None:
    archive = _archive_link(mail_sink, "sato@example.jp")
    elsewhere = association_make(slug="tonari")
    assert client_for(elsewhere).get(archive).status_code == 400
    assert client_for(street).get("/archive/forged/").status_code == 400
    library = archive.replace("/archive/", "/library/")  # another purpose's signature
    assert client_for(street).get(library).status_code == 400
    with tenant_context(street):
        Subscriber.objects.filter(display_name="佐藤").update(status="unsubscribed")
    assert client_for(street).get(archive).status_code == 410


@pytest.mark.parametrize("query", ["?q=%00", "?q=%E7%B7%8F%00%E4%BC%9A", "?page=%00"])
def test_a_nul_character_in_the_search_gets_a_message_not_an_error(query) -> None:
    association = association_make(slug="nul")
    subscriber = subscriber_make(association, "佐藤", "sato@example.jp")
    with tenant_context(association):
        token = link_token_make(purpose="archive", subscriber_id=subscriber.pk)
    response = client_for(association).get(f"/archive/{token}/{query}")
    if "q=" in query:
        assert response.status_code == 400
        assert "使えない文字が含まれています" in response.content.decode()
    else:
        assert response.status_code == 200  # a page number that is no number: the first page
