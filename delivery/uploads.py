"""What an uploaded library file really is, and the name residents download it under.

Pure functions over bytes and strings. The type comes from the content's first bytes (its
"magic number"), never from the file name or the browser's Content-Type, both of which the
uploader controls: a web page renamed to .pdf is still a web page, and an SVG is a document
that can carry script.
"""

import re
import unicodedata
from enum import StrEnum

from django.utils.translation import gettext as _

# Bytes read from the start of a file to decide what it is.
HEAD_BYTES = 1024

# ISO 32000-1 §7.5.2: a PDF starts with "%PDF-" and its version. Readers tolerate the header
# later in the file, which is how PDF/HTML polyglots work; we accept it only at byte 0.
_PDF = b"%PDF-"
# JPEG (ITU T.81 / JFIF): SOI marker FF D8, then the FF of the next marker.
_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"
_GIF = (b"GIF87a", b"GIF89a")
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # also .docx, .xlsx
_MARKUP = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<", re.IGNORECASE)


class UploadKind(StrEnum):
    PDF = "pdf"
    JPEG = "jpeg"


EXTENSIONS = {UploadKind.PDF: "pdf", UploadKind.JPEG: "jpg"}
CONTENT_TYPES = {UploadKind.PDF: "application/pdf", UploadKind.JPEG: "image/jpeg"}


class UploadRefused(Exception):
    """The file is not accepted; the message says why, for the person who uploaded it, and
    `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def upload_too_large(*, max_bytes: int) -> UploadRefused:
    megabytes = max_bytes / (1024 * 1024)
    return UploadRefused(
        _("ファイルが大きすぎます。%(size)s MBまでのファイルにしてください。")
        % {"size": f"{megabytes:.0f}" if megabytes >= 1 else f"{megabytes:.2f}"},
        status=413,
    )


def upload_kind_detect(*, head: bytes) -> UploadKind:
    """PDF or JPEG by the first bytes; UploadRefused with a plain reason otherwise."""
    if not head:
        raise UploadRefused(_("ファイルが空です。中身のあるファイルを選んでください。"))
    if head.startswith(_PDF):
        return UploadKind.PDF
    if head.startswith(_JPEG):
        return UploadKind.JPEG
    if _MARKUP.match(head):
        if b"<svg" in head.lower():
            raise UploadRefused(
                _("SVG画像は受け付けていません。PDFかJPEG（.jpg）にしてから選んでください。")
            )
        raise UploadRefused(
            _(
                "このファイルの中身はPDFやJPEGではなく、ウェブページ（HTMLなど）です。"
                "PDFかJPEG（.jpg）のファイルを選んでください。"
            )
        )
    if head.startswith(_PNG) or head.startswith(_GIF):
        raise UploadRefused(
            _("PNGやGIFの画像は受け付けていません。JPEG（.jpg）かPDFにしてから選んでください。")
        )
    if head.startswith(_ZIP):
        raise UploadRefused(
            _("ZIPやWord・Excelのファイルは受け付けていません。PDFに保存してから選んでください。")
        )
    raise UploadRefused(
        _("PDFかJPEG（.jpg）のファイルだけを受け付けます。このファイルはどちらでもありません。")
    )


# Characters Windows, macOS or a shell treat specially, and every control character.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\u202a-\u202e\u2066-\u2069]')
_NAME_MAX = 80


def filename_sanitise(*, name: str, kind: UploadKind) -> str:
    """A download name that is safe on every system and ends in the extension of its real
    type: no folders, no control or bidirectional-override characters, at most 80 letters.
    Japanese is kept (Content-Disposition carries it as RFC 6266 / RFC 5987 filename*)."""
    name = unicodedata.normalize("NFKC", name)
    name = re.split(r"[/\\]", name)[-1]  # a browser may send a whole path (old IE, Edge)
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    stem = _UNSAFE.sub("_", stem).strip(" ._")
    stem = stem[:_NAME_MAX] or "file"
    return f"{stem}.{EXTENSIONS[kind]}"
