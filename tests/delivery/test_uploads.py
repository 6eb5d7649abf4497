"""What an uploaded library file is, by its first bytes; the name it is downloaded under."""

import pytest

from delivery.uploads import UploadKind, UploadRefused, filename_sanitise, upload_kind_detect


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", UploadKind.PDF),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", UploadKind.JPEG),
        (b"\xff\xd8\xff\xe1\x00\x18Exif\x00\x00", UploadKind.JPEG),
    ],
)
def test_pdf_and_jpeg_are_recognised_by_their_first_bytes(head, kind) -> None:
    assert upload_kind_detect(head=head) == kind


@pytest.mark.parametrize(
    ("head", "reason"),
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script>", "ウェブページ"),
        (b"\xef\xbb\xbf  <html><body>%PDF-1.4</body></html>", "ウェブページ"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="x()">', "SVG"),
        (b"<svg><script>alert(1)</script></svg>", "SVG"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"GIF89a\x01\x00", "GIF"),
        (b"MZ\x90\x00", "PDFかJPEG"),
        (b" %PDF-1.4 not at the start", "PDFかJPEG"),
        (b"", "空"),
    ],
)
def test_everything_else_is_refused_with_a_plain_reason(head, reason) -> None:
    with pytest.raises(UploadRefused) as refused:
        upload_kind_detect(head=head)
    assert reason in str(refused.value)
    assert refused.value.status == 400


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("総会資料.pdf", UploadKind.PDF, "総会資料.pdf"),
        ("C:\\Users\\tanaka\\Desktop\\回覧.PDF", UploadKind.PDF, "回覧.pdf"),
        ("../../etc/passwd", UploadKind.PDF, "passwd.pdf"),
        ("photo.png", UploadKind.JPEG, "photo.jpg"),  # the content decides the extension
        ("report.pdf.exe", UploadKind.PDF, "report.pdf.pdf"),
        ('a<b>:"c|d?*.pdf', UploadKind.PDF, "a_b___c_d.pdf"),
        ("evil\u202egpj.pdf", UploadKind.PDF, "evil_gpj.pdf"),  # no right-to-left override
        ("\x00\x1f.pdf", UploadKind.PDF, "file.pdf"),
        ("", UploadKind.JPEG, "file.jpg"),
        ("ＡＢＣ１２３.pdf", UploadKind.PDF, "ABC123.pdf"),  # NFKC
        ("長" * 200 + ".pdf", UploadKind.PDF, "長" * 80 + ".pdf"),
    ],
)
def test_download_names_are_sanitised(name, kind, expected) -> None:
    assert filename_sanitise(name=name, kind=kind) == expected
