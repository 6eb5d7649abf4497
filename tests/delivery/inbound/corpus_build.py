"""Writes the inbound mail corpus (corpus/*.eml) byte for byte as each client sends it.

The .eml files are committed; this script documents how their bytes were made and rebuilds
them: `python tests/delivery/inbound/corpus_build.py`. Clients' quirks are reproduced on
purpose: CP50220 row-13 characters in ISO-2022-JP, IBM-extension kanji in Shift_JIS, an
encoded word split inside a character, bad base64, a missing closing boundary. Every address
is fictitious (example.jp, example.com, carrier domains with obviously made-up local parts).
"""

import base64
import quopri
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
REPLY_TO = "reply+7f3k2q9x@mail.kairan.example"
ASSOCIATION = "一関市サンプル自治会"
NOTICE_SUBJECT = f"【{ASSOCIATION}】総会の出欠"
SAFETY_SUBJECT = f"【{ASSOCIATION}】安否確認"
NOTICE_ID = "<notice-42-7.1780275600@mail.kairan.example>"
NOTICE = (
    f"{ASSOCIATION}です。\n"
    "6月14日(日)10時から公民館で総会を開きます。\n"
    "出欠をこのメールへの返信でお知らせください。\n"
    "1. 出席\n"
    "2. 欠席\n"
)
SAFETY = (
    f"{ASSOCIATION}です。\n"
    "昨夜の大雨について安否確認をしています。\n"
    "このメールに返信してお知らせください。\n"
    "1. 無事\n"
    "2. 要支援\n"
    "3. 不在\n"
)


def quoted(text: str, marker: str = "> ") -> str:
    return "".join(f"{marker}{line}\n" for line in text.splitlines())


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def b64_lines(data: bytes, width: int = 76) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return "\r\n".join(encoded[i : i + width] for i in range(0, len(encoded), width)) + "\r\n"


def qp(data: bytes) -> str:
    return crlf(quopri.encodestring(data).decode("ascii"))


def cp50220(text: str) -> bytes:
    """ISO-2022-JP as Windows writes it (CP50220): CP932 characters sent as JIS pairs."""
    out = bytearray()
    two_byte = False
    for char in text:
        if ord(char) < 0x80:
            if two_byte:
                out += b"\x1b(B"
                two_byte = False
            out += char.encode("ascii")
            continue
        s1, s2 = char.encode("cp932")
        # Shift_JIS → JIS X 0208 arithmetic (JIS X 0208:1997 Annex 1).
        s1 -= 0xB1 if s1 >= 0xE0 else 0x71
        s1 = s1 * 2 + 1
        if s2 > 0x7F:
            s2 -= 1
        if s2 >= 0x9E:
            s1 += 1
            s2 -= 0x7D
        else:
            s2 -= 0x1F
        if not two_byte:
            out += b"\x1b$B"
            two_byte = True
        out += bytes((s1, s2))
    if two_byte:
        out += b"\x1b(B"
    return bytes(out)


def encoded_words(text: str, charset: str, encode=None, chunk: int = 12) -> str:
    """RFC 2047 B-encoded words of `chunk` characters each, folded one per line."""
    encode = encode or (lambda part: part.encode(charset))
    words = [
        f"=?{charset}?B?{base64.b64encode(encode(text[i : i + chunk])).decode('ascii')}?="
        for i in range(0, len(text), chunk)
    ]
    return "\r\n ".join(words)


def mail(headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    # latin-1 carries the one raw eight-bit header (broken_mime) byte for byte.
    return head.encode("latin-1") + b"\r\n" + body


def gmail_ja_reply() -> bytes:
    text = (
        "出席します。\n"
        "よろしくお願いします。\n"
        "\n"
        "山田\n"
        "\n"
        f"2026年6月1日(月) 10:00 {ASSOCIATION} <{REPLY_TO}>:\n"
        "\n" + quoted(NOTICE)
    )
    html = (
        '<div dir="ltr">出席します。<div>よろしくお願いします。</div><div><br></div>'
        '<div>山田</div></div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
        f"2026年6月1日(月) 10:00 {ASSOCIATION} &lt;{REPLY_TO}&gt;:<br></div>"
        '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">'
        + NOTICE.replace("\n", "<br>")
        + "</blockquote></div>\n"
    )
    boundary = "000000000000b3c9a1061a2f5e7d"
    body = crlf(
        f"--{boundary}\n"
        'Content-Type: text/plain; charset="UTF-8"\n'
        "Content-Transfer-Encoding: base64\n\n"
    ) + b64_lines(text.encode("utf-8"))
    body += crlf(
        f"\n--{boundary}\n"
        'Content-Type: text/html; charset="UTF-8"\n'
        "Content-Transfer-Encoding: base64\n\n"
    ) + b64_lines(html.encode("utf-8"))
    body += crlf(f"\n--{boundary}--\n")
    return mail(
        [
            ("MIME-Version", "1.0"),
            ("Date", "Mon, 1 Jun 2026 10:12:31 +0900"),
            ("References", NOTICE_ID),
            ("In-Reply-To", NOTICE_ID),
            (
                "Message-ID",
                "<CAF3xq0E9kz1Ytest+Gmail=Q7w@mail.gmail.example>",
            ),
            ("Subject", "Re: " + encoded_words(NOTICE_SUBJECT, "UTF-8")),
            ("From", encoded_words("山田 太郎", "UTF-8") + " <yamada.taro.test@example.com>"),
            ("To", f"{encoded_words(ASSOCIATION, 'UTF-8')} <{REPLY_TO}>"),
            ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
        ],
        body.encode("ascii"),
    )


def iphone_ja_reply() -> bytes:
    text = (
        "欠席でお願いします。\n"
        "\n"
        "iPhoneから送信\n"
        "\n"
        f"2026/06/01 10:00、{ASSOCIATION} <{REPLY_TO}>のメール:\n"
        "\n" + quoted(NOTICE, "> ")
    )
    return mail(
        [
            ("Content-Type", "text/plain;\r\n\tcharset=utf-8"),
            ("Content-Transfer-Encoding", "quoted-printable"),
            ("From", encoded_words("佐藤花子", "utf-8") + " <sato.hanako.test@example.jp>"),
            ("Mime-Version", "1.0 (1.0)"),
            ("Subject", "Re: " + encoded_words(NOTICE_SUBJECT, "utf-8")),
            ("Date", "Mon, 1 Jun 2026 10:20:05 +0900"),
            ("Message-Id", "<5B2E8C1D-7A44-4F0B-9E61-3C0D2A1B9F00@example.jp>"),
            ("References", NOTICE_ID),
            ("In-Reply-To", NOTICE_ID),
            ("To", f"{encoded_words(ASSOCIATION, 'utf-8')} <{REPLY_TO}>"),
            ("X-Mailer", "iPhone Mail (21F90)"),
        ],
        qp(text.encode("utf-8")).encode("ascii"),
    )


def outlook_ja_reply() -> bytes:
    text = (
        f"{ASSOCIATION} ご担当者様\n"
        "\n"
        "お世話になっております。佐藤です。\n"
        "総会は出席します。\n"
        "\n"
        "佐藤 一郎\n"
        "\n"
        "-----Original Message-----\n"
        f"差出人: {ASSOCIATION} <{REPLY_TO}>\n"
        "送信日時: 2026年6月1日 10:00\n"
        "宛先: sato.ichiro.test@example.jp\n"
        f"件名: {NOTICE_SUBJECT}\n"
        "\n" + NOTICE
    )
    return mail(
        [
            (
                "From",
                encoded_words("佐藤 一郎", "iso-2022-jp", cp50220)
                + " <sato.ichiro.test@example.jp>",
            ),
            ("To", f'"{encoded_words(ASSOCIATION, "iso-2022-jp", cp50220)}" <{REPLY_TO}>'),
            ("References", NOTICE_ID),
            ("In-Reply-To", NOTICE_ID),
            ("Subject", "RE: " + encoded_words(NOTICE_SUBJECT, "iso-2022-jp", cp50220)),
            ("Date", "Mon, 1 Jun 2026 11:02:44 +0900"),
            ("Message-ID", "<000001dad3a1$5f2b3c40$1d81b4c0$@example.jp>"),
            ("MIME-Version", "1.0"),
            ("Content-Type", 'text/plain;\r\n\tcharset="iso-2022-jp"'),
            ("Content-Transfer-Encoding", "7bit"),
            ("X-Mailer", "Microsoft Outlook 16.0"),
            ("Thread-Index", "AQHaztest0123456789ABCDEFghij=="),
            ("Content-Language", "ja"),
        ],
        crlf(cp50220(text).decode("ascii")).encode("ascii"),
    )


def windows_nec_iso2022jp() -> bytes:
    subject = "Re: ①総会の出欠 ㈱ミナミ商店 ㍻元年創業"
    text = (
        "①出席します。\n"
        "（②の欠席ではありません）\n"
        "㈱ミナミ商店 南\n"
        "会場まで約２㌔ですので歩いて伺います。㍻元年から会員です。\n"
        "\n"
        "On Mon, 01 Jun 2026 10:00:00 +0900\n"
        f"{ASSOCIATION} <{REPLY_TO}> wrote:\n" + quoted(NOTICE)
    )
    return mail(
        [
            ("Date", "Mon, 01 Jun 2026 12:30:00 +0900"),
            (
                "From",
                encoded_words("南 ㈱ミナミ商店", "ISO-2022-JP", cp50220)
                + " <minami.test@example.jp>",
            ),
            ("To", REPLY_TO),
            ("Subject", encoded_words(subject, "ISO-2022-JP", cp50220, chunk=10)),
            ("Message-Id", "<20260601123000.C0FFEE12.minami.test@example.jp>"),
            ("In-Reply-To", NOTICE_ID),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=ISO-2022-JP"),
            ("Content-Transfer-Encoding", "7bit"),
            ("X-Mailer", "Becky! ver. 2.81.04 [ja]"),
        ],
        crlf(cp50220(text).decode("ascii")).encode("ascii"),
    )


def sjis_cp932() -> bytes:
    # Windows writes 髙 and 﨑 as IBM extensions (0xFBFC, 0xFAB1), which Python's cp932 encoder
    # would write as NEC-selected codes; the bytes below are what a Windows client sends.
    def windows_cp932(text: str) -> bytes:
        return (
            text.replace("髙", "\0A").replace("﨑", "\0B").encode("cp932")
            .replace(b"\0A", b"\xfb\xfc").replace(b"\0B", b"\xfa\xb1")
        )  # fmt: skip

    text = (
        "欠席します。\n"
        "６月１４日は①～③の用事が重なってしまいました。\n"
        "髙橋 﨑子\n"
        "\n"
        "-----元のメッセージ-----\n"
        f"差出人: {ASSOCIATION} <{REPLY_TO}>\n"
        "送信日時: 2026年6月1日 10:00\n"
        f"件名: {NOTICE_SUBJECT}\n"
        "\n" + NOTICE
    )
    return mail(
        [
            ("Return-Path", "<takahashi.test@example.jp>"),
            (
                "From",
                encoded_words("髙橋 﨑子", "Shift_JIS", windows_cp932)
                + " <takahashi.test@example.jp>",
            ),
            ("To", REPLY_TO),
            ("Subject", "Re: " + encoded_words("髙橋です（①～③）", "Shift_JIS", windows_cp932)),
            ("Date", "Mon, 1 Jun 2026 13:45:10 +0900"),
            ("Message-ID", "<A1B2C3D4E5F6.takahashi.test@example.jp>"),
            ("In-Reply-To", NOTICE_ID),
            ("MIME-Version", "1.0"),
            ("Content-Type", 'text/plain; charset="Shift_JIS"'),
            ("Content-Transfer-Encoding", "8bit"),
            ("X-Mailer", "Windows Live Mail 16.4.3528.331"),
        ],
        crlf(windows_cp932(text).decode("latin-1")).encode("latin-1"),
    )


def eucjp() -> bytes:
    # eucJP-ms puts NEC row 13 at 0xADxx: ① is 0xADA1.
    text = f"出席します。①\n\n{ASSOCIATION} さんは書きました:\n" + quoted(NOTICE)
    body = text.replace("①", "\0").encode("euc_jp").replace(b"\0", b"\xad\xa1")
    return mail(
        [
            ("Return-Path", "<kimura.test@example.jp>"),
            ("From", encoded_words("木村", "EUC-JP") + " <kimura.test@example.jp>"),
            ("To", REPLY_TO),
            ("Subject", "Re: " + encoded_words(NOTICE_SUBJECT, "EUC-JP")),
            ("Date", "Tue, 02 Jun 2026 08:03:00 +0900"),
            ("Message-Id", "<20260602.080300.kimura.test@example.jp>"),
            ("In-Reply-To", NOTICE_ID),
            ("Mime-Version", "1.0"),
            ("Content-Type", "Text/Plain; charset=EUC-JP"),
            ("Content-Transfer-Encoding", "8bit"),
            ("X-Mailer", "Mew version 6.8 on Emacs 28.2"),
        ],
        crlf(body.decode("latin-1")).encode("latin-1"),
    )


def docomo_reply() -> bytes:
    text = (
        "①\n"
        "\n"
        "----- Original Message -----\n"
        f"From: {ASSOCIATION} <{REPLY_TO}>\n"
        "To: taro.test@docomo.ne.jp\n"
        "Date: 2026/06/01 10:00\n"
        f"Subject: {NOTICE_SUBJECT}\n"
        "\n" + quoted(NOTICE, ">")
    )
    return mail(
        [
            ("Return-Path", "<taro.test@docomo.ne.jp>"),
            ("Delivered-To", REPLY_TO),
            ("Date", "Mon, 01 Jun 2026 10:31:07 +0900 (JST)"),
            ("From", "taro.test@docomo.ne.jp"),
            ("To", REPLY_TO),
            ("Message-ID", "<1780277467.c0d0.taro.test@docomo.ne.jp>"),
            ("In-Reply-To", NOTICE_ID),
            ("Subject", "Re: " + encoded_words(NOTICE_SUBJECT, "ISO-2022-JP", cp50220)),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=ISO-2022-JP"),
            ("Content-Transfer-Encoding", "7bit"),
        ],
        crlf(cp50220(text).decode("ascii")).encode("ascii"),
    )


def au_ezweb_reply() -> bytes:
    text = (
        "無事です。家族全員元気です。\n"
        "\n"
        "-------- 元のメッセージ --------\n"
        f"件名: {SAFETY_SUBJECT}\n"
        f"送信元: {ASSOCIATION} <{REPLY_TO}>\n"
        "日付: 2026/06/01 07:00\n"
        "\n" + quoted(SAFETY, ">")
    )
    subject = ("Re: " + SAFETY_SUBJECT).encode("cp932")
    # An old encoder cuts encoded words by bytes, splitting 確 (0x8A 0x6D) across two words.
    cut = subject.index("確".encode("cp932")) + 1
    words = [subject[:cut], subject[cut:]]
    subject_header = "\r\n ".join(
        f"=?Shift_JIS?B?{base64.b64encode(word).decode('ascii')}?=" for word in words
    )
    return mail(
        [
            ("Return-Path", "<hanako.test@ezweb.ne.jp>"),
            ("Delivered-To", REPLY_TO),
            ("Date", "Mon, 1 Jun 2026 07:40:22 +0900"),
            ("From", "hanako.test@ezweb.ne.jp"),
            ("To", REPLY_TO),
            ("Subject", subject_header),
            ("Message-ID", "<a1b2c3d4e5.hanako.test@ezweb.ne.jp>"),
            ("In-Reply-To", "<safety-42-3.1780264800@mail.kairan.example>"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=Shift_JIS"),
            ("Content-Transfer-Encoding", "8bit"),
        ],
        crlf(text.encode("cp932").decode("latin-1")).encode("latin-1"),
    )


def softbank_bottom_posted() -> bytes:
    text = (
        f"2026/06/01 10:00、{ASSOCIATION} <{REPLY_TO}>のメール:\n"
        "\n" + quoted(NOTICE, "> ") + "\n２\n"
    )
    return mail(
        [
            ("Return-Path", "<jiro.test@i.softbank.jp>"),
            ("From", "jiro.test@i.softbank.jp"),
            ("To", REPLY_TO),
            ("Subject", "Re: " + encoded_words(NOTICE_SUBJECT, "UTF-8")),
            ("Date", "Mon, 1 Jun 2026 18:05:44 +0900"),
            ("Message-Id", "<8D1E7C2A-0001-4A5B-B0C0-SB0000000001@i.softbank.jp>"),
            ("In-Reply-To", NOTICE_ID),
            ("Mime-Version", "1.0 (1.0)"),
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Transfer-Encoding", "base64"),
        ],
        b64_lines(text.encode("utf-8")).encode("ascii"),
    )


def thunderbird_flowed() -> bytes:
    long_line = (
        "欠席します。当日は町内の清掃当番と重なってしまったため、申し訳ありませんが参加できません。"
    )
    # format=flowed, delsp=yes (RFC 3676 §4.2): a long line is broken after a trailing space
    # that is not part of the text.
    flowed = long_line[:20] + " \n" + long_line[20:] + "\n"
    text = (
        flowed
        + "\n"
        + f"2026/06/01 10:00 に {ASSOCIATION} さんは書きました:\n"
        + quoted(NOTICE)
        + "\n-- \n中村 三郎\nnakamura.test@example.jp\n"
    )
    return mail(
        [
            ("Message-ID", "<c3d4e5f6-0000-4000-8000-tb0000000001@example.jp>"),
            ("Date", "Mon, 1 Jun 2026 21:14:03 +0900"),
            ("MIME-Version", "1.0"),
            ("User-Agent", "Mozilla Thunderbird"),
            ("Subject", "Re: " + encoded_words(NOTICE_SUBJECT, "UTF-8")),
            ("To", REPLY_TO),
            ("References", NOTICE_ID),
            ("From", encoded_words("中村 三郎", "UTF-8") + " <nakamura.test@example.jp>"),
            ("In-Reply-To", NOTICE_ID),
            ("Content-Type", "text/plain; charset=UTF-8; format=flowed; delsp=yes"),
            ("Content-Transfer-Encoding", "8bit"),
        ],
        crlf(text).encode("utf-8"),
    )


def html_only() -> bytes:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        "<style>p { margin: 0 } .x { color: red }</style>"
        "<script>document.write('tracking')</script><title>Re:</title></head><body>"
        "<div>欠席します。</div><div><br></div><div>理由：仕事のため&nbsp;&amp;&nbsp;出張</div>"
        "<p>小林</p>"
        '<div class="yahoo_quoted"><div>2026/06/01 10:00、'
        f"{ASSOCIATION} &lt;{REPLY_TO}&gt;のメール:</div>"
        "<blockquote>" + NOTICE.replace("\n", "<br>\n") + "</blockquote></div>"
        "</body></html>"
    )
    encoded = qp(html.encode("utf-8"))
    return mail(
        [
            ("Return-Path", "<kobayashi.test@example.jp>"),
            ("From", encoded_words("小林", "UTF-8") + " <kobayashi.test@example.jp>"),
            ("To", REPLY_TO),
            ("Subject", "Re: " + encoded_words(NOTICE_SUBJECT, "UTF-8")),
            ("Date", "Mon, 1 Jun 2026 19:00:00 +0900"),
            ("Message-ID", "<html-only.20260601190000@example.jp>"),
            ("In-Reply-To", NOTICE_ID),
            ("MIME-Version", "1.0"),
            ("Content-Type", 'text/html; charset="UTF-8"'),
            ("Content-Transfer-Encoding", "quoted-printable"),
        ],
        encoded.encode("ascii"),
    )


def out_of_office_ja() -> bytes:
    text = "ただいま不在にしております。\n6月10日(水)以降に順次ご返信いたします。\n\n伊藤\n"
    return mail(
        [
            ("Return-Path", "<ito.test@example.co.jp>"),
            ("From", encoded_words("伊藤", "ISO-2022-JP", cp50220) + " <ito.test@example.co.jp>"),
            ("To", REPLY_TO),
            (
                "Subject",
                encoded_words("【不在】Re: " + NOTICE_SUBJECT, "ISO-2022-JP", cp50220),
            ),
            ("Date", "Mon, 1 Jun 2026 10:00:05 +0900"),
            ("Message-ID", "<ooo.1780275605@example.co.jp>"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=ISO-2022-JP"),
            ("Content-Transfer-Encoding", "7bit"),
        ],
        crlf(cp50220(text).decode("ascii")).encode("ascii"),
    )


def rfc3834_autoreply() -> bytes:
    text = (
        "このメールは自動送信されています。\n"
        "お問い合わせありがとうございます。担当者より追ってご連絡いたします。\n"
    )
    return mail(
        [
            ("Return-Path", "<>"),
            ("From", "info.test@example.com"),
            ("To", REPLY_TO),
            ("Subject", "Re: " + encoded_words(NOTICE_SUBJECT, "UTF-8")),
            ("Auto-Submitted", "auto-replied"),
            ("Date", "Mon, 1 Jun 2026 10:00:09 +0900"),
            ("Message-ID", "<auto.1780275609@example.com>"),
            ("In-Reply-To", NOTICE_ID),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=UTF-8"),
            ("Content-Transfer-Encoding", "base64"),
        ],
        b64_lines(text.encode("utf-8")).encode("ascii"),
    )


def dsn_permanent() -> bytes:
    boundary = "3F1A2B0C5D.1780275612/mail.kairan.example"
    body = crlf(
        "This is a MIME-encapsulated message.\n\n"
        f"--{boundary}\n"
        "Content-Description: Notification\n"
        "Content-Type: text/plain; charset=us-ascii\n\n"
        "This is the mail system at host mail.kairan.example.\n\n"
        "I'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients. It's attached below.\n\n"
        "                   The mail system\n\n"
        "<nobody.test@example.jp>: host mx.example.jp[192.0.2.25] said: 550 5.1.1\n"
        "    <nobody.test@example.jp>: Recipient address rejected: User unknown (in\n"
        "    reply to RCPT TO command)\n\n"
        f"--{boundary}\n"
        "Content-Description: Delivery report\n"
        "Content-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mail.kairan.example\n"
        "X-Postfix-Queue-ID: 3F1A2B0C5D\n"
        "X-Postfix-Sender: rfc822; bounces+42-7@mail.kairan.example\n"
        "Arrival-Date: Mon,  1 Jun 2026 10:00:01 +0900 (JST)\n\n"
        "Final-Recipient: rfc822; nobody.test@example.jp\n"
        "Original-Recipient: rfc822;nobody.test@example.jp\n"
        "Action: failed\n"
        "Status: 5.1.1\n"
        "Remote-MTA: dns; mx.example.jp\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <nobody.test@example.jp>: Recipient address\n"
        "    rejected: User unknown (in reply to RCPT TO command)\n\n"
        f"--{boundary}\n"
        "Content-Description: Undelivered Message Headers\n"
        "Content-Type: text/rfc822-headers\n\n"
        "Return-Path: <bounces+42-7@mail.kairan.example>\n"
        f"Message-ID: {NOTICE_ID}\n"
        f"Subject: {encoded_words(NOTICE_SUBJECT, 'utf-8')}\n"
        f"From: {encoded_words(ASSOCIATION, 'utf-8')} <sample@mail.kairan.example>\n"
        "To: nobody.test@example.jp\n"
        "Date: Mon, 01 Jun 2026 10:00:00 +0900\n\n"
        f"--{boundary}--\n"
    )
    return mail(
        [
            ("Return-Path", "<>"),
            ("Delivered-To", "bounces+42-7@mail.kairan.example"),
            ("Date", "Mon,  1 Jun 2026 10:00:12 +0900 (JST)"),
            ("From", "MAILER-DAEMON@mail.kairan.example (Mail Delivery System)"),
            ("Subject", "Undelivered Mail Returned to Sender"),
            ("To", "bounces+42-7@mail.kairan.example"),
            ("Auto-Submitted", "auto-replied"),
            ("MIME-Version", "1.0"),
            (
                "Content-Type",
                f'multipart/report; report-type=delivery-status;\r\n\tboundary="{boundary}"',
            ),
            ("Content-Transfer-Encoding", "8bit"),
            ("Message-Id", "<20260601010012.9C2D0A1B2C@mail.kairan.example>"),
        ],
        body.encode("ascii"),
    )


def dsn_transient() -> bytes:
    boundary = "7E6D5C4B3A.1780290000/mail.kairan.example"
    original = (
        "Return-Path: <bounces+42-8@mail.kairan.example>\n"
        "Message-ID: <notice-42-8.1780275600@mail.kairan.example>\n"
        f"Subject: {encoded_words(NOTICE_SUBJECT, 'utf-8')}\n"
        "To: slow.test@example.com\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n\n"
    )
    body = (
        crlf(
            "This is a MIME-encapsulated message.\n\n"
            f"--{boundary}\n"
            "Content-Description: Notification\n"
            "Content-Type: text/plain; charset=us-ascii\n\n"
            "This is the mail system at host mail.kairan.example.\n\n"
            "####################################################################\n"
            "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
            "####################################################################\n\n"
            "Your message could not be delivered for more than 4 hour(s).\n"
            "It will be retried until it is 5 day(s) old.\n\n"
            "<slow.test@example.com>: connect to mx.example.com[198.51.100.7]:25:\n"
            "    Connection timed out\n\n"
            f"--{boundary}\n"
            "Content-Description: Delivery report\n"
            "Content-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns; mail.kairan.example\n"
            "Arrival-Date: Mon,  1 Jun 2026 10:00:01 +0900 (JST)\n\n"
            "Final-Recipient: rfc822; slow.test@example.com\n"
            "Original-Recipient: rfc822;slow.test@example.com\n"
            "Action: delayed\n"
            "Status: 4.4.1\n"
            "Diagnostic-Code: X-Postfix; connect to mx.example.com[198.51.100.7]:25:\n"
            "    Connection timed out\n"
            "Will-Retry-Until: Sat,  6 Jun 2026 10:00:01 +0900 (JST)\n\n"
            f"--{boundary}\n"
            "Content-Description: Undelivered Message\n"
            "Content-Type: message/rfc822\n\n" + original
        )
        + b64_lines(NOTICE.encode("utf-8"))
        + crlf(f"\n--{boundary}--\n")
    )
    return mail(
        [
            ("Return-Path", "<>"),
            ("Delivered-To", "bounces+42-8@mail.kairan.example"),
            ("Date", "Mon,  1 Jun 2026 14:00:02 +0900 (JST)"),
            ("From", "MAILER-DAEMON@mail.kairan.example (Mail Delivery System)"),
            ("Subject", "Delayed Mail (still being retried)"),
            ("To", "bounces+42-8@mail.kairan.example"),
            ("Auto-Submitted", "auto-replied"),
            ("MIME-Version", "1.0"),
            (
                "Content-Type",
                f'multipart/report; report-type=delivery-status;\r\n\tboundary="{boundary}"',
            ),
            ("Message-Id", "<20260601050002.1A2B3C4D5E@mail.kairan.example>"),
        ],
        body.encode("ascii"),
    )


def mailer_daemon_qmail() -> bytes:
    text = (
        "Hi. This is the qmail-send program at mx.example.com.\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
        "This is a permanent error; I've given up. Sorry it didn't work out.\n"
        "\n"
        "<gone.test@example.com>:\n"
        "192.0.2.30 does not like recipient.\n"
        "Remote host said: 550 5.1.1 <gone.test@example.com>: Recipient address rejected: "
        "User unknown in virtual mailbox table\n"
        "Giving up on 192.0.2.30.\n"
        "\n"
        "--- Below this line is a copy of the message.\n"
        "\n"
        "Return-Path: <bounces+42-9@mail.kairan.example>\n"
        "Received: (qmail 12345 invoked from network); 1 Jun 2026 01:00:03 -0000\n"
        "Message-ID: <notice-42-9.1780275600@mail.kairan.example>\n"
        f"Subject: {encoded_words(NOTICE_SUBJECT, 'utf-8')}\n"
        "To: gone.test@example.com\n"
        "\n"
    )
    return mail(
        [
            ("Return-Path", "<>"),
            ("Delivered-To", "bounces+42-9@mail.kairan.example"),
            ("Date", "1 Jun 2026 01:00:04 -0000"),
            ("From", "MAILER-DAEMON@mx.example.com"),
            ("To", "bounces+42-9@mail.kairan.example"),
            ("Subject", "failure notice"),
        ],
        crlf(text).encode("ascii"),
    )


def unknown_charset() -> bytes:
    text = "欠席します。\n孫の運動会と重なりました。\n\n> " + NOTICE_SUBJECT + "\n"
    return mail(
        [
            ("Return-Path", "<watanabe.test@example.jp>"),
            ("From", "watanabe.test@example.jp"),
            ("To", REPLY_TO),
            # A label Python does not know, on UTF-8 bytes.
            (
                "Subject",
                "Re: "
                + encoded_words(NOTICE_SUBJECT, "x-unknown-kanji", lambda t: t.encode("utf-8")),
            ),
            ("Date", "Mon, 1 Jun 2026 20:20:20 +0900"),
            ("Message-ID", "<unknown-charset.20260601@example.jp>"),
            ("MIME-Version", "1.0"),
            ("Content-Type", 'text/plain; charset="unknown-8bit"'),
            ("Content-Transfer-Encoding", "8bit"),
        ],
        crlf(text.encode("cp932").decode("latin-1")).encode("latin-1"),
    )


def broken_mime() -> bytes:
    good = base64.b64encode("出席します。\n山本\n".encode()).decode("ascii")
    # Line noise inside the base64 and the final padding lost in transit.
    bad = good[:8] + "!!\r\n" + good[8:].rstrip("=")
    boundary = "----=_Part_0_broken"
    body = crlf(
        "This is a multi-part message in MIME format.\n"
        f"--{boundary}\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n\n"
        f"{bad}\n"
        f"--{boundary}\n"
        'Content-Type: application/pdf; name="annai.pdf"\n'
        "Content-Transfer-Encoding: base64\n"
        'Content-Disposition: attachment; filename="annai.pdf"\n\n'
        "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K\n"
        "eJwr5HIK4TI2UzA3MDBQCEnhcg3hCuQCAEHSBGcKZW5kc3RyZWFtCmVuZG9ia"
    )  # no closing boundary: the connection dropped
    return mail(
        [
            ("Return-Path", "<yamamoto.test@example.jp>"),
            ("From", "yamamoto.test@example.jp"),
            ("To", REPLY_TO),
            # Raw UTF-8 in a header, no RFC 2047 (some phones and web forms do this).
            ("Subject", "Re: 総会の出欠".encode().decode("latin-1")),
            ("Date", "not a date"),
            ("Message-ID", "<broken.20260601@example.jp>"),
            ("MIME-Version", "1.0"),
            ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
        ],
        body.encode("ascii"),
    )


def main() -> None:
    CORPUS.mkdir(exist_ok=True)
    builders = {
        "01_gmail_ja_reply": gmail_ja_reply,
        "02_iphone_ja_reply": iphone_ja_reply,
        "03_outlook_ja_reply": outlook_ja_reply,
        "04_windows_nec_iso2022jp": windows_nec_iso2022jp,
        "05_sjis_cp932": sjis_cp932,
        "06_eucjp": eucjp,
        "07_docomo_reply": docomo_reply,
        "08_au_ezweb_reply": au_ezweb_reply,
        "09_softbank_bottom_posted": softbank_bottom_posted,
        "10_thunderbird_flowed": thunderbird_flowed,
        "11_html_only": html_only,
        "12_out_of_office_ja": out_of_office_ja,
        "13_rfc3834_autoreply": rfc3834_autoreply,
        "14_dsn_permanent": dsn_permanent,
        "15_dsn_transient": dsn_transient,
        "16_mailer_daemon_qmail": mailer_daemon_qmail,
        "17_unknown_charset": unknown_charset,
        "18_broken_mime": broken_mime,
    }
    for name, build in builders.items():
        (CORPUS / f"{name}.eml").write_bytes(build())


if __name__ == "__main__":
    main()
