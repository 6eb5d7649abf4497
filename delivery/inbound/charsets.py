"""Text from the bytes and headers of real Japanese mail, in any charset, without ever raising.

Japanese mail arrives as ISO-2022-JP (RFC 1468), Shift_JIS, EUC-JP or UTF-8, and the label is
often wrong or unknown to Python:

- Windows clients send ISO-2022-JP with NEC special characters (row 13: ①, ㈱, ㍻, ㍉) and
  NEC-selected IBM extensions (rows 89–92: 髙, 﨑); this is Microsoft's CP50220. Every
  `iso2022_jp*` codec of the standard library refuses those rows.
- Mail labelled Shift_JIS is CP932 (Windows-31J) in practice, which is a superset.
- Labels such as `x-sjis`, `windows-31j` or `x-unknown` raise LookupError in `bytes.decode`.

So a declared charset is only a hint: `text_decode` tries it strictly, then recognises the bytes
itself (UTF-8, ISO-2022-JP, EUC-JP, CP932), and only then accepts replacement characters.
"""

import binascii
import codecs
import re

# Labels in the wild, mapped to what the sender's software really produced. The ISO-2022-JP
# and EUC-JP families go through this module's own decoders (see _iso2022jp_decode).
_ISO2022JP = "iso-2022-jp"
_EUCJP = "euc-jp"
_SNIFF = ""
_ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "shiftjis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "s-jis": "cp932",
    "s_jis": "cp932",
    "ms_kanji": "cp932",
    "ms-kanji": "cp932",
    "csshiftjis": "cp932",
    "windows-31j": "cp932",
    "cswindows31j": "cp932",
    "cp932": "cp932",
    "ms932": "cp932",
    "ms-932": "cp932",
    "x-ms-cp932": "cp932",
    "ibm-943": "cp932",
    "x-mac-japanese": "cp932",
    "iso-2022-jp": _ISO2022JP,
    "iso2022jp": _ISO2022JP,
    "iso-2022-jp-1": _ISO2022JP,
    "iso-2022-jp-3": _ISO2022JP,
    "iso-2022-jp-2004": _ISO2022JP,
    "iso-2022-jp-ms": _ISO2022JP,
    "csiso2022jp": _ISO2022JP,
    "cp50220": _ISO2022JP,
    "cp50221": _ISO2022JP,
    "cp50222": _ISO2022JP,
    "x-windows-iso2022jp": _ISO2022JP,
    "jis": _ISO2022JP,
    "x-jis": _ISO2022JP,
    "euc-jp": _EUCJP,
    "eucjp": _EUCJP,
    "euc_jp": _EUCJP,
    "x-euc-jp": _EUCJP,
    "x-euc": _EUCJP,
    "ujis": _EUCJP,
    "cseucpkdfmtjapanese": _EUCJP,
    "eucjp-ms": _EUCJP,
    "eucjp-win": _EUCJP,
    "cp51932": _EUCJP,
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "us-ascii": "ascii",
    "ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "unknown-8bit": _SNIFF,
    "x-unknown": _SNIFF,
    "unknown": _SNIFF,
    "x-user-defined": _SNIFF,
    "default": _SNIFF,
}
# Codecs that Python knows but that no mail body is written in; a label naming one is ignored.
_NOT_MAIL_CODECS = {"unicode_escape", "raw_unicode_escape", "punycode", "idna", "undefined"}

# A decode whose share of U+FFFD stays below this is the declared charset with a few bad bytes,
# not a wrong label (a stray byte in UTF-8 must not turn the whole text into CP932 mojibake).
_FEW_ERRORS = 0.02


def _jis_to_cp932(exc: UnicodeError, *, strict: bool) -> tuple[str, int]:
    """Decode one JIS X 0208 pair (EUC form) that plain JIS X 0208 leaves undefined via CP932.

    CP50220/CP51932 put NEC row 13 and the NEC-selected IBM extensions (rows 89–92) into JIS
    positions that the standard leaves empty; CP932 defines them after the usual JIS→Shift_JIS
    arithmetic (JIS X 0208:1997 Annex 1).
    """
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    data, start = exc.object, exc.start
    if start + 1 < len(data) and 0xA1 <= data[start] <= 0xFE and 0xA1 <= data[start + 1] <= 0xFE:
        j1, j2 = data[start] - 0x80, data[start + 1] - 0x80
        s1 = ((j1 - 0x21) >> 1) + 0x81
        if s1 > 0x9F:
            s1 += 0x40
        if j1 & 1:
            s2 = j2 + (0x1F if j2 < 0x60 else 0x20)
        else:
            s2 = j2 + 0x7E
        try:
            return bytes((s1, s2)).decode("cp932"), start + 2
        except UnicodeDecodeError:
            if strict:
                raise exc from None
            # A well-formed pair that no table defines: one character lost, stay aligned.
            return "\ufffd", start + 2
    if strict:
        raise exc
    return "\ufffd", start + 1


codecs.register_error("kairan.jis_cp932", lambda exc: _jis_to_cp932(exc, strict=False))
codecs.register_error("kairan.jis_cp932_strict", lambda exc: _jis_to_cp932(exc, strict=True))

# ISO-2022-JP designations (RFC 1468; JIS X 0212 and JIS X 0201 kana as CP50221/ISO-2022-JP-1
# senders use them). Each maps to how its bytes become EUC-JP.
# An escape sequence is ESC, intermediate bytes 0x20–0x2F, one final byte (ISO/IEC 2022 §13).
_ESCAPE = re.compile(rb"\x1b([\x20-\x2f]*[\x30-\x7e])")
_OR_80 = bytes(b | 0x80 if 0x21 <= b <= 0x7E else b for b in range(256))
_NEWLINES = re.compile(rb"([\r\n]+)")


def _iso2022jp_to_eucjp(data: bytes) -> bytes:
    """Rewrite ISO-2022-JP as EUC-JP, so one C codec call decodes it (fast for long bodies)."""
    out = bytearray()
    mode = b"(B"
    pieces = _ESCAPE.split(data)
    for index, piece in enumerate(pieces):
        if index % 2:
            mode = piece
            continue
        if not piece:
            continue
        # SO/SI (0x0E/0x0F) switch JIS X 0201 katakana on and off inside ASCII (CP50222).
        if mode in (b"(B", b"(J", b"(H") and b"\x0e" not in piece:
            out += piece
        elif mode in (b"(B", b"(J", b"(H"):
            shifted = False
            for byte in piece:
                if byte == 0x0E:
                    shifted = True
                elif byte == 0x0F:
                    shifted = False
                elif shifted and 0x21 <= byte <= 0x5F:
                    out += bytes((0x8E, byte | 0x80))
                else:
                    out.append(byte)
        elif mode == b"(I":
            for byte in piece:
                out += bytes((0x8E, byte | 0x80)) if 0x21 <= byte <= 0x5F else bytes((byte,))
        elif mode in (b"$@", b"$B", b"$(D", b"$(Q", b"$(O"):
            # JIS X 0213 plane 1 (ESC $ ( Q) is read as JIS X 0208 plus CP932 rows: the same
            # for every character a mail client sends in practice.
            # Broken senders leave a line in two-byte mode; line ends stay line ends.
            for chunk_index, chunk in enumerate(_NEWLINES.split(piece)):
                if chunk_index % 2:
                    out += chunk
                elif mode == b"$(D":
                    pairs = chunk.translate(_OR_80)
                    for pair in range(0, len(pairs) - 1, 2):
                        out += b"\x8f" + pairs[pair : pair + 2]
                else:
                    out += chunk.translate(_OR_80)
        else:
            # An unknown designation: keep its bytes as ASCII rather than lose the text.
            out += piece
    return bytes(out)


def _iso2022jp_decode(data: bytes, *, strict: bool) -> str:
    if not data.isascii():
        # ISO-2022-JP is 7-bit (RFC 1468); eight-bit bytes mean a wrong label.
        raise UnicodeDecodeError(_ISO2022JP, data, 0, 1, "eight-bit byte in ISO-2022-JP")
    return _eucjp_decode(_iso2022jp_to_eucjp(data), strict=strict)


def _eucjp_decode(data: bytes, *, strict: bool) -> str:
    return data.decode("euc_jp", "kairan.jis_cp932_strict" if strict else "kairan.jis_cp932")


def charset_codec(*, label: str | None) -> str | None:
    """The codec name for a charset label, or None when the label tells nothing usable."""
    if not label or not label.isascii():
        return None
    name = label.strip().strip("\"'").lower()
    # RFC 2231 §5 allows a language suffix on a charset: "iso-2022-jp*ja".
    name = name.split("*", 1)[0]
    if name in _ALIASES:
        return _ALIASES[name] or None
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a NUL inside the label
        return None
    if info.name.replace("-", "_") in _NOT_MAIL_CODECS or not getattr(
        info, "_is_text_encoding", True
    ):
        return None
    if info.name in ("iso2022_jp", "iso2022_jp_1", "iso2022_jp_3", "iso2022_jp_ext"):
        return _ISO2022JP
    if info.name in ("shift_jis", "euc_jp", "euc_jis_2004", "euc_jisx0213"):
        return "cp932" if info.name == "shift_jis" else _EUCJP
    return info.name


def _decode(data: bytes, codec: str, *, strict: bool) -> str:
    if codec == _ISO2022JP:
        return _iso2022jp_decode(data, strict=strict)
    if codec == _EUCJP:
        return _eucjp_decode(data, strict=strict)
    if codec == "utf-8":
        codec = "utf-8-sig"  # a byte-order mark is not text
    return data.decode(codec, "strict" if strict else "replace")


def _sniff(data: bytes) -> str | None:
    """Recognise the bytes when the label is missing, unknown or wrong; None if nothing fits."""
    if data.isascii():
        if b"\x1b$" in data or b"\x1b(I" in data:
            return _iso2022jp_decode(data, strict=False)
        return data.decode("ascii")
    # Order matters: UTF-8 is self-checking; EUC-JP next, because CP932 text nearly always has
    # lead bytes 0x81–0x9F (kana, punctuation) that EUC-JP forbids, while EUC-JP text often
    # decodes as CP932 half-width katakana.
    for codec in ("utf-8", _EUCJP, "cp932"):
        try:
            return _decode(data, codec, strict=True)
        except UnicodeDecodeError:
            continue
    return None


def text_decode(*, data: bytes, charset: str | None) -> str:
    """Text of a body or header in the declared charset, recognised charset, or with U+FFFD."""
    codec = charset_codec(label=charset)
    if codec:
        try:
            return _decode(data, codec, strict=True)
        except UnicodeDecodeError as error:
            if codec == _ISO2022JP and data.isascii():
                return _iso2022jp_decode(data, strict=False)
            if codec != _ISO2022JP:
                lenient = _decode(data, codec, strict=False)
                # A character cut off at the very end (a truncated header or body) is the
                # declared charset too, however short the text.
                truncated = error.end >= len(data) and error.start >= len(data) - 3
                if truncated or lenient.count("\ufffd") <= len(lenient) * _FEW_ERRORS:
                    return lenient
    sniffed = _sniff(data)
    if sniffed is not None:
        return sniffed
    return _decode(data, codec if codec and codec != _ISO2022JP else "cp932", strict=False)


# RFC 2047 §2: encoded-word = "=?" charset "?" encoding "?" encoded-text "?="
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_QP_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")


def _word_bytes(encoding: str, text: str) -> bytes:
    if encoding in "Bb":
        # Lenient like most readers: drop stray characters and repair missing padding.
        clean = _NOT_BASE64.sub("", text)
        clean = clean[: len(clean) - len(clean) % 4] if len(clean) % 4 == 1 else clean
        try:
            return binascii.a2b_base64(clean + "=" * (-len(clean) % 4))
        except binascii.Error:
            return text.encode("ascii", "replace")
    # RFC 2047 §4.2: "_" is a space, "=XX" a byte.
    raw = text.replace("_", " ").encode("ascii", "replace")
    return _QP_HEX.sub(lambda match: bytes((int(match.group(1), 16),)), raw)


def header_decode(*, value: str) -> str:
    """A header's text: unfolded, raw eight-bit bytes recognised, RFC 2047 words decoded."""
    value = _FOLD.sub("", value)
    if not value.isascii():
        # The stdlib parser keeps raw eight-bit header bytes as surrogate escapes; clients that
        # skip RFC 2047 (some phones, some web forms) send UTF-8 or Shift_JIS this way.
        try:
            raw = value.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = value.encode("utf-8", "replace")  # a lone surrogate no parser made
        value = text_decode(data=raw, charset=None)
    if "=?" not in value:
        return value
    pieces: list[str] = []
    pending: list[bytes] = []
    pending_charset: str | None = None
    position = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending:
            pieces.append(text_decode(data=b"".join(pending), charset=pending_charset))
        pending, pending_charset = [], None

    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        # RFC 2047 §6.2: white space between adjacent encoded words is not displayed.
        if between and not (pending and between.isspace()):
            flush()
            pieces.append(between)
        charset = match.group(1).split("*", 1)[0]
        if pending and charset.lower() != (pending_charset or "").lower():
            flush()
        # Words of one charset are joined as bytes before decoding: broken encoders split one
        # multibyte character across two words (RFC 2047 §5 forbids it, it happens anyway).
        pending.append(_word_bytes(match.group(2), match.group(3)))
        pending_charset = charset
        position = match.end()
    flush()
    pieces.append(value[position:])
    return "".join(pieces)
