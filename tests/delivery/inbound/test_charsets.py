"""Every charset real Japanese mail uses decodes to the right characters, and nothing raises.

Byte strings are written out by hand from the JIS X 0208 and CP932 tables, not produced by
the code under test.
"""

import os
import random

import pytest

from delivery.inbound.charsets import charset_codec, header_decode, text_decode

# ISO-2022-JP as Windows (CP50220) writes NEC row 13 and IBM extensions:
# ① 0x2D21, ② 0x2D22, ㈱ 0x2D6A, ㍻ 0x2D5F, ㍉ 0x2D40, 髙 0x7C62, 﨑 0x7975.
CP50220 = b'\x1b$B-!-"-j-_-@|byu\x1b(B'
# The same in CP932: ① 0x8740, ～ 0x8160, 髙 0xFBFC (IBM), 﨑 0xFAB1 (IBM), ㈱ 0x878A.
CP932 = b"\x87\x40\x81\x60\xfb\xfc\xfa\xb1\x87\x8a"


@pytest.mark.parametrize(
    ("data", "charset", "text"),
    [
        (b"\x1b$B=P@J$7$^$9\x1b(B", "iso-2022-jp", "出席します"),
        (CP50220, "ISO-2022-JP", "①②㈱㍻㍉髙﨑"),
        (CP50220, "csISO2022JP", "①②㈱㍻㍉髙﨑"),
        (CP50220, "cp50220", "①②㈱㍻㍉髙﨑"),
        (b"\x1b$B=P@J\x1b(B 1\x1b$B!#\x1b(B\r\n\x1b$B-!\x1b(B", "iso-2022-jp", "出席 1。\r\n①"),
        (b"\x1b(I1\x1b(B", "iso-2022-jp", "ｱ"),  # JIS X 0201 katakana (CP50221)
        (b"a\x0e1\x0fb", "iso-2022-jp", "aｱb"),  # SO/SI katakana (CP50222)
        (b"\x1b$B=P@J\r\n7g@J\x1b(B", "iso-2022-jp", "出席\r\n欠席"),  # no reset before CRLF
        (b"\x1b$(D\x30\x21\x1b(B", "iso-2022-jp-1", "丂"),  # JIS X 0212
        (b"\x1b$@=P@J\x1b(J!", "iso-2022-jp", "出席!"),  # old JIS C 6226 designation
        (CP932, "Shift_JIS", "①～髙﨑㈱"),
        (CP932, "shift-jis", "①～髙﨑㈱"),
        (CP932, "sjis", "①～髙﨑㈱"),
        (CP932, "x-sjis", "①～髙﨑㈱"),
        (CP932, "windows-31j", "①～髙﨑㈱"),
        (CP932, "MS932", "①～髙﨑㈱"),
        (CP932, '"Shift_JIS"', "①～髙﨑㈱"),
        (b"\xbd\xd0\xc0\xca\xa4\xb7\xa4\xde\xa4\xb9", "euc-jp", "出席します"),
        (b"\xbd\xd0\xc0\xca\xa4\xb7\xa4\xde\xa4\xb9", "x-euc-jp", "出席します"),
        (b"\xad\xa1\xad\xea", "EUC-JP", "①㈱"),  # eucJP-ms / CP51932 row 13
        (b"\x8e\xb1", "euc-jp", "ｱ"),
        ("出席します".encode(), "UTF-8", "出席します"),
        ("出席します".encode(), "utf8", "出席します"),
        (b"\xef\xbb\xbf" + "出席".encode(), "utf-8", "出席"),  # BOM dropped
        (b"plain", "us-ascii", "plain"),
        (b"plain", None, "plain"),
    ],
)
def test_declared_charsets_decode(data: bytes, charset: str | None, text: str) -> None:
    assert text_decode(data=data, charset=charset) == text


@pytest.mark.parametrize(
    ("data", "charset"),
    [
        # Labels Python does not know: LookupError in bytes.decode, never here.
        ("欠席します".encode("cp932"), "x-unknown"),
        ("欠席します".encode("cp932"), "x-bogus-charset"),
        ("欠席します".encode("cp932"), "unknown-8bit"),
        ("欠席します".encode("euc_jp"), "x-bogus-charset"),
        ("欠席します".encode(), "x-bogus-charset"),
        (b"\x1b$B7g@J$7$^$9\x1b(B", "x-bogus-charset"),
        # No label, or a wrong one: recognised from the bytes.
        ("欠席します".encode("cp932"), None),
        ("欠席します".encode("euc_jp"), None),
        ("欠席します".encode(), None),
        (b"\x1b$B7g@J$7$^$9\x1b(B", None),
        ("欠席します".encode(), "iso-2022-jp"),  # eight-bit bytes cannot be ISO-2022-JP
        ("欠席します".encode("cp932"), "us-ascii"),
        ("欠席します".encode("cp932"), "utf-8"),
        # Names of codecs no mail is written in are ignored, not obeyed.
        ("欠席します".encode(), "rot13"),
        ("欠席します".encode(), "unicode_escape"),
        ("欠席します".encode(), "zlib"),
    ],
)
def test_unknown_and_wrong_labels_fall_back_to_what_the_bytes_are(
    data: bytes, charset: str | None
) -> None:
    assert text_decode(data=data, charset=charset) == "欠席します"


def test_a_stray_byte_in_utf8_stays_utf8_rather_than_mojibake() -> None:
    data = "出席します。".encode() * 20 + b"\xff" + "よろしく".encode()
    text = text_decode(data=data, charset="utf-8")
    assert text.startswith("出席します。出席します。")
    assert text.endswith("\ufffdよろしく")


def test_broken_jis_pair_becomes_a_replacement_character() -> None:
    # 0x2F21 is in a JIS row that even CP932 leaves empty; 出 after it must survive.
    assert text_decode(data=b"\x1b$B/!=P\x1b(B", charset="iso-2022-jp") == "\ufffd出"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("Shift_JIS", "cp932"),
        ("x-sjis", "cp932"),
        ("Windows-31J", "cp932"),
        ("iso-2022-jp*ja", "iso-2022-jp"),  # RFC 2231 §5 language suffix
        ("EUC-JP", "euc-jp"),
        ("ISO-8859-1", "iso8859-1"),
        ("ks_c_5601-1987", "euc_kr"),
        ("x-bogus", None),
        ("", None),
        (None, None),
    ],
)
def test_charset_labels_map_to_codecs(label: str | None, codec: str | None) -> None:
    assert charset_codec(label=label) == codec


@pytest.mark.parametrize(
    ("value", "text"),
    [
        # ① 総会 in CP50220 inside an RFC 2047 B word.
        ("=?ISO-2022-JP?B?GyRCLSFBbTJxGyhC?=", "①総会"),
        ("=?iso-2022-jp?B?GyRCLWotXxsoQg==?=", "㈱㍻"),
        ("=?Shift_JIS?B?h0CBYPv8+rE=?=", "①～髙﨑"),
        ("=?x-sjis?B?h0CBYPv8+rE=?=", "①～髙﨑"),
        ("=?EUC-JP?B?vdDAyg==?=", "出席"),
        ("=?UTF-8?Q?=E5=87=BA=E5=B8=AD_ok?=", "出席 ok"),
        # RFC 2047 §6.2: space between adjacent encoded words is not shown.
        ("=?UTF-8?B?5Ye6?= =?UTF-8?B?5bit?=", "出席"),
        ("=?UTF-8?B?5Ye6?=\r\n =?UTF-8?B?5bit?=", "出席"),
        # A character split across two words by a broken encoder.
        ("=?UTF-8?B?5Ye65bg=?= =?UTF-8?B?rQ==?=", "出席"),
        ("Re: =?UTF-8?B?5Ye65bit?= (1)", "Re: 出席 (1)"),
        ("=?utf-8*ja?B?5Ye65bit?=", "出席"),  # RFC 2231 §5 language
        ("=?UTF-8?B?5Ye65bit?=", "出席"),
        ("=?UTF-8?B?5Ye65bg?=", "出\ufffd"),  # missing padding repaired, lost byte shown
        ("=?x-unknown?B?5Ye65bit?=", "出席"),
        ("not encoded", "not encoded"),
        ("folded\r\n line", "folded line"),
        # Raw eight-bit bytes, as the stdlib parser hands them over (surrogate escapes).
        ("\udce5\udc87\udcba\udce5\udcb8\udcad", "出席"),
        ("Re: \udc8fo\udc90\udcc8", "Re: 出席"),  # raw Shift_JIS
    ],
)
def test_headers_decode(value: str, text: str) -> None:
    assert header_decode(value=value) == text


@pytest.mark.parametrize("charset", [None, "iso-2022-jp", "shift_jis", "euc-jp", "utf-8", "x-?"])
def test_random_bytes_never_raise(charset: str | None) -> None:
    generator = random.Random(4)
    for _ in range(300):
        data = bytes(generator.randrange(256) for _ in range(generator.randrange(64)))
        assert isinstance(text_decode(data=data, charset=charset), str)
    assert isinstance(text_decode(data=os.urandom(4096), charset=charset), str)


def test_lone_surrogates_in_a_header_never_raise() -> None:
    assert header_decode(value="a\ud800b") == "a?b"


def test_random_escape_sequences_never_raise() -> None:
    generator = random.Random(7)
    pieces = [b"\x1b$B", b"\x1b(B", b"\x1b(I", b"\x1b$(D", b"\x1b$(Q", b"\x1b", b"-!", b"\r\n"]
    for _ in range(500):
        data = b"".join(generator.choice(pieces) for _ in range(generator.randrange(12)))
        assert isinstance(text_decode(data=data, charset="iso-2022-jp"), str)
        assert isinstance(header_decode(value=f"=?iso-2022-jp?Q?{data.hex()}?="), str)
