"""mail_parse: decoded fields, best text, attachments measured not decoded, limits, no crash."""

import base64
import io
import random
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from delivery.inbound.parsing import MailParseError, mail_parse

CORPUS = Path(__file__).resolve().parent / "corpus"
HEAD = (
    "From: =?UTF-8?B?5bGx55Sw?= <yamada.test@example.jp>\r\n"
    "To: reply+abc@mail.kairan.example\r\n"
    "Subject: =?UTF-8?B?5Ye65bit?=\r\n"
    "MIME-Version: 1.0\r\n"
)


def _multipart(*parts: bytes, boundary: str = "B") -> bytes:
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    head = HEAD + f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
    return head.encode() + body + b"--" + boundary.encode() + b"--\r\n"


def _text_part(text: str = "資料を送ります。") -> bytes:
    return b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + text.encode()


def _attachment(data: bytes, headers: str) -> bytes:
    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    return (headers + "Content-Transfer-Encoding: base64\r\n\r\n").encode() + encoded


def _parse_measured(raw: bytes, **limits: int):
    tracemalloc.start()
    try:
        mail = mail_parse(raw=raw, **limits)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return mail, peak


def test_a_twenty_megabyte_attachment_is_measured_without_being_decoded() -> None:
    size = 20 * 1024 * 1024 + 1  # not a multiple of three: padding counts
    photo = random.Random(1).randbytes(size)
    raw = _multipart(
        _text_part(),
        _attachment(photo, 'Content-Type: image/jpeg; name="photo.jpg"\r\n'),
    )
    del photo
    mail, peak = _parse_measured(raw)
    assert [(a.filename, a.content_type, a.size) for a in mail.attachments] == [
        ("photo.jpg", "image/jpeg", size)
    ]
    assert mail.text == "資料を送ります。"
    # Decoding would need 20 MB; holding its lines in the stdlib parser about 250 MB.
    assert peak < 4 * 1024 * 1024


def test_a_zip_bomb_is_listed_by_its_own_size_and_never_opened() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("zeros.bin", "w") as member:
            for _ in range(200):
                member.write(bytes(1024 * 1024))  # 200 MB of zeros, ~200 KB zipped
    bomb = buffer.getvalue()
    raw = _multipart(
        _text_part("名簿を添付します。"),
        _attachment(
            bomb,
            "Content-Type: application/zip\r\n"
            "Content-Disposition: attachment; filename*=UTF-8''%E5%90%8D%E7%B0%BF.zip\r\n",
        ),
    )
    mail, peak = _parse_measured(raw)
    assert [(a.filename, a.content_type, a.size) for a in mail.attachments] == [
        ("名簿.zip", "application/zip", len(bomb))
    ]
    assert mail.text == "名簿を添付します。"
    assert peak < 8 * 1024 * 1024


def test_a_message_over_the_size_limit_is_refused() -> None:
    raw = _multipart(_text_part(), _attachment(bytes(3000), "Content-Type: image/png\r\n"))
    with pytest.raises(MailParseError):
        mail_parse(raw=raw, max_size=1000)
    assert mail_parse(raw=raw, max_size=len(raw)).attachments[0].size == 3000


def test_parts_beyond_the_limit_are_not_read() -> None:
    parts = [
        _attachment(b"x" * 10, f"Content-Type: image/png; name={n}.png\r\n") for n in range(30)
    ]
    mail = mail_parse(raw=_multipart(_text_part(), *parts), max_parts=10)
    # The root and the text count as parts: 8 attachments are read.
    assert len(mail.attachments) == 8
    assert "more than 10 MIME parts; the rest were not read" in mail.defects


def test_a_flood_of_parts_is_not_handed_to_the_stdlib_parser() -> None:
    raw = _multipart(*[b"\r\nx"] * 200_000)
    mail = mail_parse(raw=raw)
    assert mail.subject == "出席"
    assert mail.text == ""
    assert "more than 100 MIME parts; the body was not read" in mail.defects


def test_parts_nested_too_deep_give_headers_without_a_body() -> None:
    depth = 3000
    nested = "".join(
        f"--b{i}\r\nContent-Type: multipart/mixed; boundary=b{i + 1}\r\n\r\n" for i in range(depth)
    )
    raw = (HEAD + "Content-Type: multipart/mixed; boundary=b0\r\n\r\n" + nested).encode()
    mail = mail_parse(raw=raw, max_parts=depth)
    assert mail.subject == "出席"
    assert mail.from_name == "山田"
    assert "MIME parts nested too deep; the body was not read" in mail.defects


def test_a_huge_text_part_is_listed_not_read() -> None:
    raw = _multipart(_text_part("あ" * 400_000))  # 1.2 MB of UTF-8
    mail = mail_parse(raw=raw)
    assert mail.text == ""
    assert [(a.content_type, a.size) for a in mail.attachments] == [("text/plain", 1_200_000)]
    assert mail_parse(raw=raw, max_text=2_000_000).text == "あ" * 400_000


@pytest.mark.parametrize(
    ("disposition", "filename"),
    [
        # Outlook, Becky! and carriers: RFC 2047 inside the quoted parameter (not standard).
        # ① is JIS 0x2D21 ("-!"), 名簿 0x4C3E 0x4A6D ("L>Jm").
        ('attachment; filename="=?ISO-2022-JP?B?GyRCLSFMPkptGyhC?=.pdf"', "①名簿.pdf"),
        ('attachment; filename="=?UTF-8?B?5ZCN57C/?=.pdf"', "名簿.pdf"),
        # RFC 2231 with a Shift_JIS charset: 名簿 is 0x96BC 0x95EB.
        ("attachment; filename*=shift_jis''%96%BC%95%EB.pdf", "名簿.pdf"),
        ("attachment; filename*=UTF-8''%E5%90%8D%E7%B0%BF.pdf", "名簿.pdf"),
        ('attachment; filename="annai.pdf"', "annai.pdf"),
        ("attachment", ""),
    ],
)
def test_attachment_names_decode(disposition: str, filename: str) -> None:
    part = _attachment(
        b"%PDF-1.4", f"Content-Type: application/pdf\r\nContent-Disposition: {disposition}\r\n"
    )
    (attachment,) = mail_parse(raw=_multipart(_text_part(), part)).attachments
    assert attachment.filename == filename
    assert attachment.size == 8


def test_quoted_printable_attachment_size_is_counted_without_decoding() -> None:
    part = (
        b"Content-Type: application/octet-stream\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"abc=3D=\r\ndef=E3=81=82"
    )
    (attachment,) = mail_parse(raw=_multipart(_text_part(), part)).attachments
    assert attachment.size == len(b"abc=def\xe3\x81\x82")


def test_html_only_mail_is_converted_and_its_meta_charset_obeyed() -> None:
    html = '<html><head><meta charset="Shift_JIS"></head><body><p>欠席</p><p>山田</p></body></html>'
    raw = (HEAD + "Content-Type: text/html\r\n\r\n").encode() + html.encode("cp932")
    mail = mail_parse(raw=raw)
    assert mail.text == "欠席\n山田"
    assert mail.text_from_html


def test_plain_text_wins_over_html_in_an_alternative() -> None:
    raw = (
        HEAD + 'Content-Type: multipart/alternative; boundary="A"\r\n\r\n'
        "--A\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n出席\r\n"
        "--A\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<b>HTML</b>\r\n--A--\r\n"
    ).encode()
    mail = mail_parse(raw=raw)
    assert mail.text == "出席"
    assert not mail.text_from_html


def test_flowed_text_is_joined() -> None:
    raw = (
        HEAD + "Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\r\n\r\n"
        "出席します。当日は \r\nよろしく \r\nお願いします。\r\n"
        "> 引用 \r\n> の続き\r\n-- \r\n山田\r\n"
    ).encode()
    assert mail_parse(raw=raw).text.splitlines() == [
        "出席します。当日はよろしくお願いします。",
        "> 引用の続き",
        "-- ",
        "山田",
    ]


def test_addresses_ids_and_envelope() -> None:
    raw = (
        b"Return-Path: <>\r\n"
        b"Delivered-To: reply+abc@mail.kairan.example\r\n"
        b"X-Original-To: reply+abc@mail.kairan.example\r\n"
        # 山田, 太郎: a comma inside the encoded name must not split the address list.
        b'From: "=?UTF-8?B?5bGx55SwLCDlpKrpg44=?=" <yamada.test@example.jp>\r\n'
        b"To: a.test@example.jp, =?UTF-8?B?6Zi/6YOo?= <b.test@example.jp>\r\n"
        b"Cc: c.test@example.jp\r\n"
        b"Reply-To: d.test@example.jp\r\n"
        b"Message-ID: no-brackets@example.jp\r\n"
        b"In-Reply-To: <one@mail.kairan.example> (comment)\r\n"
        b"References: <zero@mail.kairan.example>\r\n <one@mail.kairan.example>\r\n"
        b"Date: Mon, 1 Jun 2026 10:00:00 +0900\r\n"
        b"X-Mailer: Example\r\n\r\nbody"
    )
    mail = mail_parse(raw=raw)
    assert (mail.from_name, mail.from_address) == ("山田, 太郎", "yamada.test@example.jp")
    assert mail.to == ("a.test@example.jp", "b.test@example.jp")
    assert mail.cc == ("c.test@example.jp",)
    assert mail.reply_to == ("d.test@example.jp",)
    assert mail.delivered_to == ("reply+abc@mail.kairan.example",) * 2
    assert mail.recipients == (
        "reply+abc@mail.kairan.example",
        "a.test@example.jp",
        "b.test@example.jp",
        "c.test@example.jp",
    )
    assert mail.return_path == ""
    assert mail.message_id == "no-brackets@example.jp"
    assert mail.in_reply_to == "<one@mail.kairan.example>"
    assert mail.references == ("<zero@mail.kairan.example>", "<one@mail.kairan.example>")
    assert mail.date is not None and mail.date.isoformat() == "2026-06-01T10:00:00+09:00"
    assert mail.header("x-mailer") == "Example"
    assert mail.header("X-Absent") == ""
    assert mail.header_all("delivered-to") == ("reply+abc@mail.kairan.example",)


def test_no_headers_at_all_gives_empty_fields() -> None:
    mail = mail_parse(raw=b"just text\r\n")
    assert (mail.subject, mail.from_address, mail.return_path, mail.date) == ("", "", None, None)
    assert mail.text == "just text\r\n".replace("\r\n", "\n")


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.eml")), ids=lambda path: path.name)
def test_mangled_corpus_mail_never_raises(path: Path) -> None:
    generator = random.Random(path.name)
    original = path.read_bytes()
    for _ in range(25):
        raw = bytearray(original)
        for _ in range(generator.randrange(1, 12)):
            position = generator.randrange(len(raw))
            action = generator.randrange(3)
            if action == 0:
                raw[position] = generator.randrange(256)
            elif action == 1:
                del raw[position : position + generator.randrange(1, 200)]
            else:
                raw[position:position] = generator.choice(
                    [b"\r\n--", b"=?", b"?=", b"\x1b$B", b"\r\n\r\n", b";", b'"', b"\xff"]
                )
        mail = mail_parse(raw=bytes(raw[: generator.randrange(len(raw) + 1)]))
        assert isinstance(mail.text, str) and isinstance(mail.subject, str)


def test_nested_comments_in_an_address_do_not_exhaust_the_stack() -> None:
    # email.utils.getaddresses recurses once per "(": 50,000 of them raise RecursionError.
    raw = b"From: " + b"(" * 50_000 + b" yamada.test@example.jp\r\nSubject: x\r\n\r\nbody"
    mail = mail_parse(raw=raw)
    assert mail.from_address == "yamada.test@example.jp"
    assert mail.text == "body"


def test_an_eight_bit_charset_parameter_does_not_break_the_payload() -> None:
    # compat32 encodes the charset parameter as a codec name; "\xb5" in it raised.
    raw = b'Content-Type: text/plain; charset="\xb5x"\r\n\r\n' + "出席".encode()
    assert mail_parse(raw=raw).text == "出席"
