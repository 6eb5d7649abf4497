"""空メール登録: a resident registers by sending any mail to the association's address, and
confirms by replying — real SMTP in (the listener), real SMTP out (the sink), real worker."""

import smtplib
import time
from email.message import EmailMessage

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from delivery.models import Subscriber
from tests.conftest import jobs_finish
from tests.factories import association_make

pytestmark = pytest.mark.usefixtures("transactional_platform")


def _send(port: int, sender: str, to: str, subject: str = "", body: str = "", **headers: str):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        return smtp.send_message(message)


def _status(association, name: str = "") -> list[str]:
    with tenant_context(association):
        return list(Subscriber.objects.values_list("status", flat=True))


def test_empty_mail_then_reply_registers_a_resident(listener, mail_sink, worker) -> None:
    association = association_make(slug="kawa")
    join = f"kawa@{settings.MAIL_DOMAIN}"
    _send(listener, "山田 花子 <hanako@example.jp>", join)  # an empty mail
    jobs_finish(worker)
    [confirmation] = mail_sink.wait_for(1)
    assert confirmation.message["To"] == "hanako@example.jp"
    assert _status(association) == ["pending"]
    reply_to = confirmation.message["Reply-To"]
    assert reply_to.startswith("kawa+c-") and reply_to.endswith(f"@{settings.MAIL_DOMAIN}")

    _send(listener, "hanako@example.jp", reply_to, "Re: 確認", "登録します")
    jobs_finish(worker)
    welcome = mail_sink.wait_for(2)[-1]
    assert "登録が完了しました" in welcome.message["Subject"]
    assert "/me/" in welcome.text  # where to choose a display name and groups
    with tenant_context(association):
        subscriber = Subscriber.objects.get()
    assert subscriber.status == "active"
    assert subscriber.display_name == "山田 花子"  # from the From header, changeable later


def test_reply_from_another_address_or_an_auto_responder_confirms_nothing(
    listener,
    mail_sink,
    worker,
) -> None:
    association = association_make(slug="yama")
    _send(listener, "taro@example.jp", f"yama@{settings.MAIL_DOMAIN}")
    jobs_finish(worker)
    reply_to = mail_sink.wait_for(1)[0].message["Reply-To"]

    _send(listener, "someone.else@example.jp", reply_to, "Re: 確認")
    _send(
        listener, "taro@example.jp", reply_to, "自動応答: 不在です", Auto_Submitted="auto-replied"
    )
    jobs_finish(worker)
    time.sleep(0.3)
    assert _status(association) == ["pending"]
    assert len(mail_sink.messages()) == 1  # no welcome, no backscatter


def test_auto_replies_and_bounces_to_the_join_address_do_not_register(listener, worker) -> None:
    association = association_make(slug="umi")
    join = f"umi@{settings.MAIL_DOMAIN}"
    _send(listener, "away@example.jp", join, "不在通知", "留守です", Auto_Submitted="auto-replied")
    _send(listener, "MAILER-DAEMON@example.jp", join, "Undelivered Mail Returned to Sender")
    jobs_finish(worker)
    assert _status(association) == []


def test_listener_refuses_unknown_associations_and_relaying(listener) -> None:
    association_make(slug="sora")
    with pytest.raises(smtplib.SMTPRecipientsRefused) as unknown:
        _send(listener, "a@example.jp", f"nobody-here@{settings.MAIL_DOMAIN}")
    assert next(iter(unknown.value.recipients.values()))[0] == 550
    with pytest.raises(smtplib.SMTPRecipientsRefused) as relay:
        _send(listener, "a@example.jp", "victim@example.com")
    assert next(iter(relay.value.recipients.values()))[0] == 550


def test_listener_refuses_an_enormous_message(listener, settings) -> None:
    association_make(slug="kumo")
    with pytest.raises(smtplib.SMTPException) as refused:
        _send(
            listener,
            "a@example.jp",
            f"kumo@{settings.MAIL_DOMAIN}",
            "大きい",
            "x" * (settings.INBOUND_MAX_BYTES + 10),
        )
    assert "552" in str(refused.value) or getattr(refused.value, "smtp_code", 0) == 552


def test_a_flood_of_joins_for_one_victim_sends_few_confirmations(
    listener, mail_sink, worker
) -> None:
    association_make(slug="kaze")
    for _ in range(5):
        _send(listener, "victim@example.jp", f"kaze@{settings.MAIL_DOMAIN}")
    jobs_finish(worker)
    time.sleep(0.5)
    assert len(mail_sink.to("victim@example.jp")) == 1
