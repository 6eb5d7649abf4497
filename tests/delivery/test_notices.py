"""Staff send a notice to everyone or to groups; each recipient gets it once."""

import pytest
from aiosmtpd.controller import Controller
from django_tenants.utils import tenant_context

from delivery.models import Delivery, Notice
from delivery.services.outbound import TransientDeliveryError, deliveries_send
from tenants.models import Membership
from tests.conftest import notice_post, staff_client
from tests.factories import association_make, deliveries_run, group_make, subscriber_make

pytestmark = pytest.mark.usefixtures("platform")


@pytest.fixture
def town():
    association = association_make(slug="town", name="一関市サンプル自治会")
    han1 = group_make(association, "1班")
    han2 = group_make(association, "2班")
    group_make(association, "子ども会")
    subscriber_make(association, "佐藤Ａ子", "sato@example.jp", [han1])
    subscriber_make(association, "鈴木Ｂ男", "suzuki@example.jp", [han1, han2])
    subscriber_make(association, "山田Ｃ美", "yamada@example.jp", [han2])
    with tenant_context(association):
        Delivery.objects.update(status="sent")  # the welcome mails are not under test here
    return association


def _staff(association):
    return staff_client(association, Membership.objects.get(association=association).user)


def _group_id(association, name: str) -> int:
    from delivery.models import Group

    with tenant_context(association):
        return Group.objects.get(name=name).pk


def test_notice_to_a_group_reaches_exactly_its_members_once(town, mail_sink) -> None:
    response = notice_post(
        _staff(town),
        {"groups": [_group_id(town, "1班")], "subject": "総会の出欠", "body": "出席しますか。"},
    )
    assert response.status_code == 302
    assert deliveries_run(town) == 2
    mails = mail_sink.wait_for(2)
    assert sorted(m.message["To"] for m in mails) == ["sato@example.jp", "suzuki@example.jp"]
    for mail in mails:
        assert mail.message["Subject"].strip() == "【一関市サンプル自治会】総会の出欠"
        assert "出席しますか。" in mail.text
        # Long headers may be folded onto a continuation line (RFC 5322 §2.2.3).
        assert (
            mail.message["List-Unsubscribe"]
            .strip()
            .startswith("<http://town.kairan.test/unsubscribe/")
        )
        assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert mail.message["Message-ID"].endswith("@mail.kairan.test>")
    assert "佐藤Ａ子 様" in next(m.text for m in mails if m.message["To"] == "sato@example.jp")


def test_notice_to_two_groups_reaches_a_member_of_both_once(town, mail_sink) -> None:
    notice_post(
        _staff(town),
        {
            "groups": [_group_id(town, "1班"), _group_id(town, "2班")],
            "subject": "清掃",
            "body": "日曜日です。",
        },
    )
    deliveries_run(town)
    assert sorted(m.message["To"] for m in mail_sink.wait_for(3)) == [
        "sato@example.jp", "suzuki@example.jp", "yamada@example.jp",
    ]  # fmt: skip


def test_notice_to_everyone(town, mail_sink) -> None:
    notice_post(_staff(town), {"to_everyone": "on", "subject": "全体", "body": "本文"})
    assert deliveries_run(town) == 3


def test_notice_to_an_empty_group_is_refused_and_nothing_is_written(town) -> None:
    response = notice_post(
        _staff(town),
        {"groups": [_group_id(town, "子ども会")], "subject": "遠足", "body": "本文"},
    )
    assert response.status_code == 400
    assert "配信を受け取る登録者がいません" in response.content.decode()
    with tenant_context(town):
        assert not Notice.objects.exists()


def test_notice_without_audience_is_refused(town) -> None:
    response = notice_post(_staff(town), {"subject": "宛先なし", "body": "本文"})
    assert response.status_code == 400
    assert "宛先を選んでください" in response.content.decode()


def test_a_job_delivered_twice_mails_nobody_twice(town, mail_sink) -> None:
    notice_post(_staff(town), {"to_everyone": "on", "subject": "二重", "body": "x"})
    with tenant_context(town):
        ids = list(Delivery.objects.filter(kind="notice").values_list("pk", flat=True))
        assert deliveries_send(delivery_ids=ids) == 3
        assert deliveries_send(delivery_ids=ids) == 0
        assert Notice.objects.get().status == "sent"
    assert len(mail_sink.wait_for(3)) == 3


def test_unsubscribed_resident_gets_no_queued_mail(town, mail_sink) -> None:
    from delivery.models import Subscriber

    notice_post(_staff(town), {"to_everyone": "on", "subject": "x", "body": "x"})
    with tenant_context(town):
        Subscriber.objects.filter(display_name="山田Ｃ美").update(status="unsubscribed")
    assert deliveries_run(town) == 2
    assert "yamada@example.jp" not in [m.message["To"] for m in mail_sink.wait_for(2)]


class _Refusing:
    """An SMTP server that refuses every recipient with the given reply."""

    def __init__(self, reply: str, pipelining: bool) -> None:
        self.reply = reply
        self.pipelining = pipelining

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        extra = ["250-PIPELINING"] if self.pipelining else []
        return [*responses[:-1], *extra, responses[-1]]

    async def handle_RCPT(self, server, session, envelope, address, options):
        return self.reply


@pytest.mark.parametrize("pipelining", [True, False])
@pytest.mark.parametrize(
    ("reply", "status", "retried"),
    [("451 4.7.1 Try again later", "queued", True), ("550 5.1.1 No such user", "failed", False)],
)
def test_temporary_refusal_is_retried_and_permanent_refusal_is_not(
    town, settings, reply: str, status: str, retried: bool, pipelining: bool
) -> None:
    from tests.conftest import _free_port

    port = _free_port()
    server = Controller(_Refusing(reply, pipelining), hostname="127.0.0.1", port=port)
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = port
    try:
        notice_post(_staff(town), {"to_everyone": "on", "subject": "x", "body": "x"})
        with tenant_context(town):
            ids = list(Delivery.objects.filter(kind="notice").values_list("pk", flat=True))
            if retried:
                with pytest.raises(TransientDeliveryError):
                    deliveries_send(delivery_ids=ids)
            else:
                assert deliveries_send(delivery_ids=ids) == 0
            rows = Delivery.objects.filter(kind="notice")
            assert set(rows.values_list("status", flat=True)) == {status}
            for error in rows.values_list("error", flat=True):
                assert "@" not in error  # the server's reply names the address; we keep none
    finally:
        server.stop()
