"""Residents reply to a notice by plain mail: real SMTP out (the sink), real SMTP in (the
listener), a real worker routing them. Replies reach the notice's thread by display name and
count as answers; auto-replies, forged tokens and oversized mail do not."""

import io
import json
import smtplib
import time
import zipfile
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from delivery.audience import Audience
from delivery.models import Answer, Delivery, Notice, Reply
from delivery.questions import question_spec_make
from delivery.services.notices import notice_create
from delivery.smtp_listener import smtp_listener_start
from tenants.models import Membership
from tests.conftest import _free_port, jobs_finish, staff_client
from tests.factories import association_make, subscriber_make

pytestmark = pytest.mark.usefixtures("transactional_platform")

CORPUS = Path(__file__).resolve().parent / "inbound" / "corpus"
MAILS = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))["mails"]
# Every mail of the corpus a resident could send back: people's replies and auto-replies.
SENDERS = {
    name: expected
    for name, expected in MAILS.items()
    if expected["kind"] == "auto_reply"
    or (expected["kind"] == "human" and expected["question"] == "attendance")
}


def _crlf(message: EmailMessage) -> bytes:
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))  # RFC 5321 §2.3.8


def _send_raw(port: int, sender: str, to: str, raw: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.sendmail(sender, [to], raw)


def _send(port: int, sender: str, to: str, body: str, subject: str = "Re: 総会", **headers):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    _send_raw(port, sender, to, _crlf(message))


def _owner(association):
    return Membership.objects.get(association=association).user


def _asked(association, worker, mail_sink, residents: dict[str, str], kind: str = "attendance"):
    """Residents (name → address), a notice asking them a question, mailed for real; returns
    the notice and each resident's Reply-To address."""
    for name, address in residents.items():
        subscriber_make(association, name, address)
    with tenant_context(association):
        Delivery.objects.update(status="sent")  # the welcome mails are not under test here
        notice = notice_create(
            author=_owner(association),
            subject="総会の出欠",
            body="6月14日に総会を開きます。",
            audience=Audience(everyone=True),
            question=question_spec_make(kind=kind),
        )
    jobs_finish(worker)
    return notice, _notice_mails(mail_sink, "総会の出欠", len(residents))


def _notice_mails(mail_sink, subject: str, count: int) -> dict[str, str]:
    """Reply-To of each resident's copy of the notice (confirmation and welcome mails, sent
    by the worker as residents joined, are in the sink too)."""
    deadline = time.monotonic() + 15
    while True:
        mails = [m for m in mail_sink.messages() if subject in m.message["Subject"]]
        if len(mails) >= count or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(mails) == count
    return {m.message["To"]: m.message["Reply-To"] for m in mails}


def test_corpus_replies_through_smtp_become_the_thread_and_the_tally(
    listener, mail_sink, worker
) -> None:
    association = association_make(slug="kita")
    residents = {
        expected["from_name"] or name: expected["from_address"]
        for name, expected in SENDERS.items()
    }
    notice, reply_to = _asked(association, worker, mail_sink, residents)
    for name, expected in SENDERS.items():
        address = expected["from_address"]
        _send_raw(listener, address, reply_to[address], (CORPUS / name).read_bytes())
    jobs_finish(worker)

    with tenant_context(association):
        replies = {
            r.subscriber.email_hash: r for r in Reply.objects.select_related("subscriber").all()
        }
        answers = {
            a.subscriber.display_name: a.choice for a in Answer.objects.select_related("subscriber")
        }
        by_name = {
            d.subscriber.display_name: d.subscriber.email_hash
            for d in notice.deliveries.select_related("subscriber")
        }
    humans = {n: e for n, e in SENDERS.items() if e["kind"] == "human"}
    assert len(replies) == len(humans)  # auto-replies are no replies
    for name, expected in SENDERS.items():
        display = expected["from_name"] or name
        if expected["kind"] == "auto_reply":
            assert display not in answers, name
            assert by_name[display] not in replies, name
            continue
        reply = replies[by_name[display]]
        assert reply.text == expected["reply_text"], name
        assert reply.sender_matches, name
        assert reply.notice_id == notice.pk
        assert answers.get(display) == expected["answer"], name

    page = staff_client(association, _owner(association)).get(f"/staff/notices/{notice.pk}/")
    html = page.content.decode()
    assert "髙橋 﨑子" in html and "欠席でお願いします。" in html
    assert "返信（" in html
    for expected in SENDERS.values():
        assert expected["from_address"].split("@")[0] not in html  # never an address


def test_a_reply_from_another_address_is_kept_flagged_and_counted(
    listener, mail_sink, worker
) -> None:
    association = association_make(slug="minami")
    notice, reply_to = _asked(association, worker, mail_sink, {"佐藤": "sato@example.jp"})
    _send(
        listener,
        "musume.sato@docomo.ne.jp",
        reply_to["sato@example.jp"],
        "母の代わりに返信します。欠席です。\n連絡先 musume.sato@docomo.ne.jp\n",
    )
    jobs_finish(worker)
    with tenant_context(association):
        reply = Reply.objects.get()
        assert not reply.sender_matches
        assert "musume" not in reply.text and "［アドレス省略］" in reply.text
        assert b"musume.sato@docomo.ne.jp" in bytes(reply.raw)  # kept for audit
        assert Answer.objects.get().choice == 1
    staff = staff_client(association, _owner(association))
    html = staff.get(f"/staff/notices/{notice.pk}/").content.decode()
    assert "登録とは別のアドレスから届きました" in html
    assert "musume" not in html
    csv = staff.get(f"/staff/notices/{notice.pk}/replies.csv").content
    assert csv.startswith(b"\xef\xbb\xbf") and b"\r\n" in csv
    assert "登録と別のアドレスからの返信".encode() in csv
    assert b"musume" not in csv and b"@" not in csv


def test_replies_to_unknown_or_expired_tokens_are_dropped_without_an_answer(
    listener, mail_sink, worker, settings
) -> None:
    settings.REPLY_ACCEPT_DAYS = 30
    association = association_make(slug="higashi")
    _notice, reply_to = _asked(association, worker, mail_sink, {"佐藤": "sato@example.jp"})
    _send(listener, "sato@example.jp", f"higashi+r-aaaaaaaaaaaaaaaa@{settings.MAIL_DOMAIN}", "1")
    with tenant_context(association):
        Delivery.objects.filter(kind="notice").update(
            created_at=timezone.now() - timedelta(days=31)
        )
    _send(listener, "sato@example.jp", reply_to["sato@example.jp"], "出席します")
    before = len(mail_sink.messages())
    jobs_finish(worker)
    time.sleep(0.3)
    with tenant_context(association):
        assert not Reply.objects.exists()
        assert not Answer.objects.exists()
    assert len(mail_sink.messages()) == before  # no backscatter to anyone


def test_auto_replies_never_answer_even_when_they_start_with_a_number(
    listener, mail_sink, worker
) -> None:
    association = association_make(slug="nishi")
    _notice, reply_to = _asked(association, worker, mail_sink, {"佐藤": "sato@example.jp"})
    _send(
        listener,
        "sato@example.jp",
        reply_to["sato@example.jp"],
        "1\n6月10日まで不在です。",
        subject="自動応答: 不在です",
        Auto_Submitted="auto-replied",
    )
    jobs_finish(worker)
    with tenant_context(association):
        assert not Reply.objects.exists()
        assert not Answer.objects.exists()


def test_wrong_charset_labels_and_zip_bombs_still_give_the_answer_and_nothing_more(
    listener, mail_sink, worker
) -> None:
    association = association_make(slug="oka")
    residents = {"佐藤": "sato@example.jp", "鈴木": "suzuki@example.jp"}
    _notice, reply_to = _asked(association, worker, mail_sink, residents)
    # UTF-8 text labelled US-ASCII, as some phones send it.
    mislabelled = (
        b"From: sato@example.jp\r\nTo: x\r\nSubject: Re\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + "欠席します\r\n".encode()
    )
    _send_raw(listener, "sato@example.jp", reply_to["sato@example.jp"], mislabelled)
    # 20 MB of zeros deflates to about 20 kB: never unpacked, only measured.
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("zeros.bin", "w", force_zip64=True) as member:
            for _ in range(20):
                member.write(bytes(1024 * 1024))
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "suzuki@example.jp", "x", "Re: 総会"
    message.set_content("①\n")
    message.add_attachment(bomb.getvalue(), maintype="application", subtype="zip", filename="a.zip")
    _send_raw(listener, "suzuki@example.jp", reply_to["suzuki@example.jp"], _crlf(message))
    jobs_finish(worker)
    with tenant_context(association):
        answers = dict(Answer.objects.values_list("subscriber__display_name", "choice"))
        texts = dict(Reply.objects.values_list("subscriber__display_name", "text"))
    assert answers == {"佐藤": 1, "鈴木": 0}
    assert texts == {"佐藤": "欠席します", "鈴木": "①"}


def test_a_reply_over_the_size_limit_is_refused_at_smtp_and_stores_nothing(
    mail_sink, worker, settings
) -> None:
    settings.INBOUND_MAX_BYTES = 64 * 1024
    port = _free_port()
    controller = smtp_listener_start(host="127.0.0.1", port=port, catch_dir=None)
    try:
        association = association_make(slug="kawa")
        _notice, reply_to = _asked(association, worker, mail_sink, {"佐藤": "sato@example.jp"})
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "sato@example.jp", "x", "Re"
        message.set_content("出席します")
        message.add_attachment(
            bytes(200 * 1024), maintype="image", subtype="jpeg", filename="p.jpg"
        )
        with pytest.raises(smtplib.SMTPException) as refused:
            _send_raw(port, "sato@example.jp", reply_to["sato@example.jp"], _crlf(message))
        assert "552" in str(refused.value) or getattr(refused.value, "smtp_code", 0) == 552
    finally:
        controller.stop()
    jobs_finish(worker)
    with tenant_context(association):
        assert not Reply.objects.exists()
        assert not Answer.objects.exists()


def test_a_notice_without_a_question_keeps_replies_but_counts_nothing(
    listener, mail_sink, worker
) -> None:
    association = association_make(slug="sato")
    subscriber_make(association, "佐藤", "sato@example.jp")
    with tenant_context(association):
        Delivery.objects.update(status="sent")
        notice_create(
            author=_owner(association),
            subject="清掃のお知らせ",
            body="日曜日です。",
            audience=Audience(everyone=True),
        )
    jobs_finish(worker)
    reply_to = _notice_mails(mail_sink, "清掃のお知らせ", 1)
    _send(listener, "sato@example.jp", reply_to["sato@example.jp"], "1\n了解しました")
    jobs_finish(worker)
    with tenant_context(association):
        reply = Reply.objects.get()
        assert reply.choice is None and reply.text == "1\n了解しました"
        assert not Answer.objects.exists()
        assert Notice.objects.get().replies.count() == 1
