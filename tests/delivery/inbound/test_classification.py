"""mail_classify tells bounces, automatic replies and people apart; bounce_details reads DSNs."""

import time

import pytest

from delivery.inbound.classification import MailKind, bounce_details, mail_classify
from delivery.inbound.parsing import mail_parse


def _mail(headers: str, body: str = "本文\r\n"):
    head = "From: yamada.test@example.jp\r\nTo: reply+abc@mail.kairan.example\r\n" + headers
    return mail_parse(raw=(head + "\r\n" + body).encode())


def _subject(subject: str) -> str:
    return f"Subject: {subject}\r\n"


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        (_subject("Re: 総会の出欠"), MailKind.HUMAN),
        # RFC 3834 §5: any Auto-Submitted other than "no".
        ("Auto-Submitted: auto-replied\r\n", MailKind.AUTO_REPLY),
        ("Auto-Submitted: auto-generated\r\n", MailKind.AUTO_REPLY),
        ("Auto-Submitted: Auto-Replied; owner-email=x@example.jp\r\n", MailKind.AUTO_REPLY),
        ("Auto-Submitted: no\r\n", MailKind.HUMAN),
        ("X-Autoreply: yes\r\n", MailKind.AUTO_REPLY),
        ("X-Autorespond: Out of office\r\n", MailKind.AUTO_REPLY),
        ("X-Auto-Response-Suppress: All\r\n", MailKind.AUTO_REPLY),
        ("Precedence: bulk\r\n", MailKind.AUTO_REPLY),
        ("Precedence: junk\r\n", MailKind.AUTO_REPLY),
        ("Precedence: list\r\n", MailKind.AUTO_REPLY),
        ("Precedence: auto_reply\r\n", MailKind.AUTO_REPLY),
        ("Precedence: first-class\r\n", MailKind.HUMAN),
        (_subject("自動応答: 【自治会】総会の出欠"), MailKind.AUTO_REPLY),
        (_subject("【自動返信】Re: 総会"), MailKind.AUTO_REPLY),
        (_subject("不在通知: Re: 総会"), MailKind.AUTO_REPLY),
        (_subject("【不在】Re: 総会"), MailKind.AUTO_REPLY),
        (_subject("不在: Re: 総会"), MailKind.AUTO_REPLY),
        (_subject("留守中のため返信が遅れます"), MailKind.AUTO_REPLY),
        (_subject("Out of Office: Re: 総会"), MailKind.AUTO_REPLY),
        (_subject("Automatic reply: 総会"), MailKind.AUTO_REPLY),
        (_subject("Auto-Reply: 総会"), MailKind.AUTO_REPLY),
        # 不在 is also an answer of the safety question; in a sentence it is a person.
        (_subject("Re: 安否確認 不在です"), MailKind.HUMAN),
        (_subject("Re: 【自治会】不在時の回覧について"), MailKind.HUMAN),
        # Read receipts (RFC 8098) are machine reports, not answers.
        (
            "Content-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n",
            MailKind.AUTO_REPLY,
        ),
        # Non-standard bounces.
        ("From: MAILER-DAEMON@mx.example.com\r\n" + _subject("failure notice"), MailKind.BOUNCE),
        ("From: Mail Delivery Subsystem <mailer-daemon@example.com>\r\n", MailKind.BOUNCE),
        (
            "From: postmaster@example.jp\r\n" + _subject("Undeliverable: 総会の出欠"),
            MailKind.BOUNCE,
        ),
        ("From: postmaster@example.jp\r\n" + _subject("ご質問"), MailKind.HUMAN),
        ("Return-Path: <>\r\n" + _subject("Returned mail: see transcript"), MailKind.BOUNCE),
        ("Return-Path: <>\r\n" + _subject("=?UTF-8?B?6YWN5L+h5LiN6IO9?="), MailKind.BOUNCE),
        ("Return-Path: <>\r\n" + _subject("Re: 総会"), MailKind.HUMAN),
        (_subject("Undelivered Mail Returned to Sender"), MailKind.HUMAN),  # a person forwarding
        # A DSN is also auto-submitted: bounce wins.
        (
            "Auto-Submitted: auto-replied\r\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n",
            MailKind.BOUNCE,
        ),
    ],
)
def test_mail_is_classified(headers: str, kind: MailKind) -> None:
    headers = headers if "Subject:" in headers else headers + _subject("Re: 総会")
    if headers.startswith("From:"):
        mail = mail_parse(
            raw=(headers + "To: reply+abc@mail.kairan.example\r\n\r\n本文\r\n").encode()
        )
    else:
        mail = _mail(headers)
    assert mail_classify(mail=mail) == kind


DSN = (
    "From: MAILER-DAEMON@mail.kairan.example\r\n"
    "To: bounces+42-7@mail.kairan.example\r\n"
    "Subject: Undelivered Mail Returned to Sender\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-Type: multipart/report; report-type="delivery-status"; boundary="R"\r\n\r\n'
    "--R\r\nContent-Type: text/plain\r\n\r\nexplanation\r\n"
    "--R\r\nContent-Type: message/delivery-status\r\n\r\n"
    "Reporting-MTA: dns; mail.kairan.example\r\n\r\n"
    "Final-Recipient: rfc822; one.test@example.jp\r\n"
    "Action: failed\r\n"
    "Status: 5.1.1\r\n"
    "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
    "Final-Recipient: RFC822; <two.test@example.jp>\r\n"
    "Action: delayed\r\n"
    "Status: 4.2.2 (mailbox full)\r\n\r\n"
    "Original-Recipient: rfc822;three.test@example.jp\r\n"
    "Action: failed\r\n"
    "Diagnostic-Code: smtp; 552 5.2.2 mailbox full\r\n\r\n"
    "--R\r\nContent-Type: message/rfc822\r\n\r\n"
    "Message-ID: <notice-1@mail.kairan.example>\r\nSubject: x\r\n\r\nbody\r\n"
    "--R--\r\n"
)


def test_dsn_recipients_statuses_and_original_are_read() -> None:
    details = bounce_details(mail=mail_parse(raw=DSN.encode()))
    assert details is not None
    assert [(r.address, r.action, r.status, r.permanent) for r in details.recipients] == [
        ("one.test@example.jp", "failed", "5.1.1", True),
        ("two.test@example.jp", "delayed", "4.2.2", False),
        # No Status field: the enhanced code in the diagnostic is used.
        ("three.test@example.jp", "failed", "5.2.2", True),
    ]
    assert details.recipients[0].diagnostic == "550 5.1.1 user unknown"
    assert details.status == "5.1.1"
    assert details.permanent
    assert details.standard
    assert details.reporting_mta == "mail.kairan.example"
    assert details.original_message_id == "<notice-1@mail.kairan.example>"
    assert ("Subject", "x") in details.original_headers


def test_a_transient_only_dsn_is_not_permanent() -> None:
    raw = DSN.replace("Status: 5.1.1", "Status: 4.4.7").replace("552 5.2.2", "452 4.2.2")
    details = bounce_details(mail=mail_parse(raw=raw.encode()))
    assert details is not None
    assert [r.status for r in details.recipients] == ["4.4.7", "4.2.2", "4.2.2"]
    assert not details.permanent


@pytest.mark.parametrize(
    ("body", "address", "status", "permanent"),
    [
        # Exim.
        (
            "This message was created automatically by mail delivery software.\r\n\r\n"
            "A message that you sent could not be delivered to one or more of its\r\n"
            "recipients. This is a permanent error. The following address(es) failed:\r\n\r\n"
            "  gone.test@example.com\r\n"
            "    host mx.example.com [192.0.2.1]\r\n"
            "    SMTP error from remote mail server after RCPT TO:<gone.test@example.com>:\r\n"
            "    550 5.1.1 User unknown\r\n",
            "gone.test@example.com",
            "5.1.1",
            True,
        ),
        # An SMTP reply without an enhanced code gives the class only.
        (
            "<full.test@example.jp>: 452 Requested action not taken: mailbox full\r\n",
            "full.test@example.jp",
            "4.0.0",
            False,
        ),
        # A version number or a postal code is no status.
        (
            "Postfix 4.96.2 on 198.5.1.10 at 〒450-0002\r\n<who.test@example.jp>: lost\r\n",
            "who.test@example.jp",
            "",
            False,
        ),
        # Japanese carrier-style notice.
        (
            "以下のアドレスへメールを配信できませんでした。\r\n宛先: nobody.test@docomo.ne.jp\r\n"
            "理由: 550 Unknown user\r\n",
            "nobody.test@docomo.ne.jp",
            "5.0.0",
            True,
        ),
    ],
)
def test_non_standard_bounces_are_read_from_their_text(
    body: str, address: str, status: str, permanent: bool
) -> None:
    raw = (
        "Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.com\r\n"
        "To: bounces+42-9@mail.kairan.example\r\nSubject: Mail delivery failed\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body
    )
    mail = mail_parse(raw=raw.encode())
    assert mail_classify(mail=mail) == MailKind.BOUNCE
    details = bounce_details(mail=mail)
    assert details is not None
    assert [(r.address, r.status, r.permanent) for r in details.recipients] == [
        (address, status, permanent)
    ]
    assert details.permanent is permanent
    assert not details.standard


def test_human_mail_has_no_bounce_details() -> None:
    assert bounce_details(mail=_mail(_subject("Re: 総会"))) is None


def test_hostile_bounce_text_is_read_in_linear_time() -> None:
    body = "a" * 1_000_000 + "\n" * 100_000
    raw = (
        "From: MAILER-DAEMON@mx.example.com\r\nSubject: failure notice\r\n"
        "Content-Type: text/plain\r\n\r\n" + body
    )
    mail = mail_parse(raw=raw.encode(), max_text=2_000_000)
    started = time.perf_counter()
    details = bounce_details(mail=mail)
    assert details is not None and details.recipients == ()
    assert time.perf_counter() - started < 2.0
