"""The file library: uploads checked by content and size, files served from an origin that
is no association's host, page images for phones, residents' signed links per association."""

import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context
from PIL import Image
from pypdf import PdfWriter

from delivery import media, page_images
from delivery.audience import Audience
from delivery.links import link_token_make
from delivery.media import file_url
from delivery.models import LibraryFile, LibraryPage, Subscriber
from delivery.services.library import library_file_add, library_pages_render
from delivery.services.notices import notice_create
from tenants.models import Membership
from tests.conftest import client_for, staff_client
from tests.factories import association_make, deliveries_run, subscriber_make

pytestmark = pytest.mark.usefixtures("platform")

ROOT = Path(__file__).resolve().parents[2]
MEDIA_HOST = "media.kairan.test"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_bytes(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)  # A4 in points
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def jpeg_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, "JPEG")
    return out.getvalue()


def _owner(association):
    return Membership.objects.get(association=association).user


def _staff(association):
    return staff_client(association, _owner(association))


def _upload(association, data: bytes, name: str = "総会資料.pdf", **fields):
    upload = SimpleUploadedFile(name, data, content_type=fields.pop("content_type", "text/html"))
    return _staff(association).post(
        "/staff/library/", {"title": "総会資料", "category": "総会", "file": upload, **fields}
    )


def _stored(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_staff_upload_a_pdf_and_its_pages_become_images_for_phones(media_root) -> None:
    association = association_make(slug="hon")
    data = pdf_bytes(pages=2)
    response = _upload(association, data, name="C:\\書類\\令和8年度 総会資料.PDF")
    assert response.status_code == 302
    with tenant_context(association):
        file = LibraryFile.objects.get()
        assert response["Location"] == f"/staff/library/{file.pk}/"
        assert (file.kind, file.pages_status, file.size) == ("pdf", "pending", len(data))
        assert file.filename == "令和8年度 総会資料.pdf"
        assert file.sha256 == hashlib.sha256(data).hexdigest()
        # A random name under the association's schema, never the uploader's.
        assert re.fullmatch(r"as_hon/library/[0-9a-f]{32}\.pdf", file.file.name)
        assert (media_root / file.file.name).read_bytes() == data

        assert library_pages_render(file_id=file.pk) == 2
        assert library_pages_render(file_id=file.pk) == 0  # done already: safe to repeat
        LibraryFile.objects.filter(pk=file.pk).update(pages_status="pending")
        assert library_pages_render(file_id=file.pk) == 2  # a redelivered job replaces
        file.refresh_from_db()
        assert (file.pages_status, file.page_count) == ("ready", 2)
        pages = list(LibraryPage.objects.filter(file=file))
    assert [page.number for page in pages] == [1, 2]
    for page in pages:
        with Image.open(media_root / page.image.name) as image:
            assert image.format == "JPEG"
            assert image.size == (page_images.PAGE_WIDTH, 1755) == (page.width, page.height)  # A4

    html = _staff(association).get(f"/staff/library/{file.pk}/").content.decode()
    assert html.count(f'src="http://{MEDIA_HOST}/f/') == 2
    assert "1ページ目" in html and "2ページ目" in html


def test_only_the_first_library_pages_max_pages_become_images(settings) -> None:
    settings.LIBRARY_PAGES_MAX = 2
    association = association_make(slug="nagai")
    _upload(association, pdf_bytes(pages=3))
    with tenant_context(association):
        file = LibraryFile.objects.get()
        assert library_pages_render(file_id=file.pk) == 2
        file.refresh_from_db()
        assert file.page_count == 3
    html = _staff(association).get(f"/staff/library/{file.pk}/").content.decode()
    assert "全3ページのうち、はじめの2ページ" in html


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script>", "a.pdf", "HTML"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "a.svg",
            "SVG",
        ),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "a.jpg", "PNG"),
        (b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 10, "a.jpg", "壊れている"),
        (b"", "a.pdf", None),  # an empty file is no file at all for Django's form
    ],
)
def test_files_that_are_not_what_they_claim_are_refused_and_nothing_is_stored(
    media_root, data, name, reason
) -> None:
    association = association_make(slug="uso")
    response = _upload(association, data, name=name, content_type="application/pdf")
    assert response.status_code == 400
    if reason:
        assert reason in response.content.decode()
    with tenant_context(association):
        assert not LibraryFile.objects.exists()
    assert _stored(media_root) == []


def _jpeg_declaring(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0, ITU T.81 B.2.2) claims other dimensions."""
    data = bytearray(jpeg_bytes())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)


def test_a_jpeg_declaring_a_huge_picture_is_refused_before_it_is_decoded(media_root) -> None:
    association = association_make(slug="kyodai")
    response = _upload(association, _jpeg_declaring(60000, 60000), name="p.jpg")
    assert response.status_code == 400
    assert "大きすぎます" in response.content.decode()
    assert _stored(media_root) == []
    assert _upload(association, jpeg_bytes(), name="photo.jpeg").status_code == 302


class _Stream:
    """A request body of `size` bytes made on demand, counting what the server reads."""

    def __init__(self, head: bytes, size: int, tail: bytes) -> None:
        self.parts = [head, None, tail]
        self.filler = size - len(head) - len(tail)
        self.read_bytes = 0

    def read(self, n: int = -1) -> bytes:
        out = b""
        while (n < 0 or len(out) < n) and self.parts:
            want = -1 if n < 0 else n - len(out)
            part = self.parts[0]
            if part is None:  # the filler
                take = self.filler if want < 0 else min(want, self.filler)
                out += bytes(take)
                self.filler -= take
                if not self.filler:
                    self.parts.pop(0)
            else:
                take = part if want < 0 else part[:want]
                out += take
                self.parts[0] = part[len(take) :]
                if not self.parts[0]:
                    self.parts.pop(0)
        self.read_bytes += len(out)
        return out

    def readline(self, *args) -> bytes:  # pragma: no cover - multipart parsing reads chunks
        return self.read(1)


def _streamed_upload(association, size: int, claimed_length: int | None = None):
    boundary = "BoUnDaRy"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n大きい\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = _Stream(head, size, tail)
    response = _staff(association).generic(
        "POST",
        "/staff/library/",
        data=b"x",  # replaced below: the request body is the stream
        content_type=f"multipart/form-data; boundary={boundary}",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(claimed_length or size)},
    )
    return response, body


def test_a_200_mb_upload_is_refused_before_it_is_read(media_root) -> None:
    association = association_make(slug="ookii")
    response, body = _streamed_upload(association, 200 * 1024 * 1024)
    assert response.status_code == 413
    assert "ファイルが大きすぎます。20 MBまで" in response.content.decode()
    assert body.read_bytes == 0
    with tenant_context(association):
        assert not LibraryFile.objects.exists()
    assert _stored(media_root) == []


def test_an_upload_passing_the_cap_is_stopped_while_it_streams(media_root, settings) -> None:
    settings.LIBRARY_MAX_BYTES = 100 * 1024
    association = association_make(slug="tochu")
    response, body = _streamed_upload(association, 150 * 1024)
    assert response.status_code == 413
    assert "大きすぎます" in response.content.decode()
    assert body.read_bytes <= 150 * 1024
    with tenant_context(association):
        assert not LibraryFile.objects.exists()
    assert _stored(media_root) == []


def test_a_pdf_that_cannot_be_rendered_keeps_the_file_without_page_images(monkeypatch) -> None:
    association = association_make(slug="kowai")
    _upload(association, b"%PDF-1.4\n% no objects, no trailer\n")
    with tenant_context(association):
        file = LibraryFile.objects.get()
        assert library_pages_render(file_id=file.pk) == 0
        assert LibraryFile.objects.get().pages_status == "failed"
    assert "ページ画像にできませんでした" in (
        _staff(association).get(f"/staff/library/{file.pk}/").content.decode()
    )
    # The limits are real: a renderer that needs more memory than allowed fails cleanly.
    _upload(association, pdf_bytes(1))
    monkeypatch.setattr(page_images, "MEMORY_BYTES", 8 * 1024 * 1024)
    with tenant_context(association):
        second = LibraryFile.objects.exclude(pk=file.pk).get()
        assert library_pages_render(file_id=second.pk) == 0
        assert LibraryFile.objects.get(pk=second.pk).pages_status == "failed"


def test_the_media_host_serves_with_disposition_and_nosniff_and_links_expire(
    media_root, monkeypatch
) -> None:
    association = association_make(slug="media-test")
    data = pdf_bytes(1)
    _upload(association, data, name="回覧 6月.pdf")
    with tenant_context(association):
        file = LibraryFile.objects.get()
        download = file_url(
            name=file.file.name, filename=file.filename, content_type="application/pdf",
            download=True,
        )  # fmt: skip
    assert download.startswith(f"http://{MEDIA_HOST}/f/")
    path = download.removeprefix(f"http://{MEDIA_HOST}")
    browser = Client(HTTP_HOST=MEDIA_HOST)
    response = browser.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E5%9B%9E%E8%A6%A7%206%E6%9C%88.pdf"
    )
    assert not response.cookies  # no session, no CSRF cookie on the media host

    assert browser.post(path).status_code == 405
    assert browser.get(path[:-4] + "AAAA").status_code == 403  # forged
    assert browser.get("/f/").status_code == 404
    assert client_for(association).get(path).status_code == 404  # not on a tenant host
    real_time = media.time.time
    monkeypatch.setattr(media.time, "time", lambda: real_time() + 3601)
    assert browser.get(path).status_code == 410


def _resident_token(association, purpose: str = "library") -> str:
    with tenant_context(association):
        subscriber = Subscriber.objects.get()
        return link_token_make(purpose=purpose, subscriber_id=subscriber.pk)


def test_a_library_link_of_one_association_opens_none_of_anothers_files() -> None:
    alpha = association_make(slug="alpha")
    beta = association_make(slug="beta")
    subscriber_make(alpha, "アルファの住民", "a@example.jp")
    subscriber_make(beta, "ベータの住民", "b@example.jp")
    _staff(alpha).post(
        "/staff/library/",
        {"title": "アルファの名簿", "file": SimpleUploadedFile("a.pdf", pdf_bytes(1))},
    )
    _staff(beta).post(
        "/staff/library/",
        {"title": "ベータの会報", "file": SimpleUploadedFile("b.jpg", jpeg_bytes())},
    )
    with tenant_context(alpha):
        alpha_file = LibraryFile.objects.get()
    alpha_token, beta_token = _resident_token(alpha), _resident_token(beta)

    listing = client_for(alpha).get(f"/library/{alpha_token}/")
    assert listing.status_code == 200
    assert "アルファの名簿" in listing.content.decode()
    opened = client_for(alpha).get(f"/library/{alpha_token}/{alpha_file.pk}/")
    assert opened.status_code == 200
    assert f'href="http://{MEDIA_HOST}/f/' in opened.content.decode()
    csp = opened["Content-Security-Policy"]
    assert f"img-src 'self' data: http://{MEDIA_HOST};" in csp

    # Alpha's link on beta's host: refused. Beta's link with alpha's file id: beta's own rows.
    assert client_for(beta).get(f"/library/{alpha_token}/").status_code == 400
    assert client_for(beta).get(f"/library/{alpha_token}/{alpha_file.pk}/").status_code == 400
    foreign_id = client_for(beta).get(f"/library/{beta_token}/{alpha_file.pk}/")
    assert "アルファの名簿" not in foreign_id.content.decode()
    assert "アルファの名簿" not in client_for(beta).get(f"/library/{beta_token}/").content.decode()
    # A staff page link (another purpose) is no library link.
    assert (
        client_for(alpha).get(f"/library/{_resident_token(alpha, 'archive')}/").status_code == 400
    )


def test_library_links_need_a_registered_resident() -> None:
    association = association_make(slug="kaijo")
    subscriber_make(association, "佐藤", "sato@example.jp")
    token = _resident_token(association)
    with tenant_context(association):
        Subscriber.objects.update(status="unsubscribed")
    assert client_for(association).get(f"/library/{token}/").status_code == 410
    with tenant_context(association):
        Subscriber.objects.all().delete()
    assert client_for(association).get(f"/library/{token}/").status_code == 404
    assert client_for(association).get("/library/forged-token/").status_code == 400


def test_a_nul_character_in_the_category_gets_a_message_not_an_error() -> None:
    association = association_make(slug="nul")
    subscriber_make(association, "佐藤", "sato@example.jp")
    token = _resident_token(association)
    response = client_for(association).get(f"/library/{token}/?category=%00")
    assert response.status_code == 400
    assert "使えない文字が含まれています" in response.content.decode()
    assert client_for(association).get(f"/library/{token}/?category=会報").status_code == 200


def test_a_notice_links_its_library_files_in_every_mail(mail_sink) -> None:
    association = association_make(slug="renraku")
    subscriber_make(association, "佐藤", "sato@example.jp")
    _upload(association, pdf_bytes(1))
    with tenant_context(association):
        file = LibraryFile.objects.get()
        from delivery.models import Delivery

        Delivery.objects.update(status="sent")
        notice_create(
            author=_owner(association),
            subject="総会のご案内",
            body="資料をご覧ください。",
            audience=Audience(everyone=True),
            library_file_ids=[file.pk],
        )
    deliveries_run(association)
    [mail] = [m for m in mail_sink.wait_for(1) if "総会のご案内" in m.message["Subject"]]
    assert "・総会資料" in mail.text
    [link] = re.findall(rf"http://renraku\.kairan\.test(/library/[^/\s]+/{file.pk}/)", mail.text)
    page = client_for(association).get(link)
    assert page.status_code == 200 and "総会資料" in page.content.decode()


def test_deleting_a_file_removes_its_objects_after_commit(
    media_root, django_capture_on_commit_callbacks
) -> None:
    association = association_make(slug="kesu")
    _upload(association, pdf_bytes(2))
    with tenant_context(association):
        file = LibraryFile.objects.get()
        library_pages_render(file_id=file.pk)
    assert len(_stored(media_root)) == 3
    with django_capture_on_commit_callbacks(execute=True):
        response = _staff(association).post(f"/staff/library/{file.pk}/delete/")
    assert response.status_code == 302
    with tenant_context(association):
        assert not LibraryFile.objects.exists() and not LibraryPage.objects.exists()
    assert _stored(media_root) == []


# --- S3 (production) ----------------------------------------------------------------------------


def _production_file_settings() -> dict:
    """STORAGES, MEDIA_ORIGIN and the CSP as settings.py computes them for FILE_STORAGE=s3."""
    from tests.kairan.test_security import _production_environment

    environment = {**_production_environment(), "FILE_STORAGE": "s3", "S3_BUCKET": "kairan-files"}
    code = (
        "import json, kairan.settings as s; print(json.dumps({'storage': s.STORAGES['default'],"
        " 'origin': s.MEDIA_ORIGIN, 'csp': s.SECURE_CSP, 'middleware': s.MIDDLEWARE}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_keeps_files_in_s3_and_links_by_presigned_urls(settings) -> None:
    import boto3
    import requests
    from moto import mock_aws

    production = _production_file_settings()
    storage = production["storage"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["querystring_auth"] is True
    assert production["origin"] in production["csp"]["img-src"]
    assert "delivery.media.MediaHostMiddleware" not in production["middleware"]

    association = association_make(slug="sanko")
    with mock_aws():
        boto3.client("s3", region_name="ap-northeast-1").create_bucket(
            Bucket="kairan-files",
            CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"},
        )
        settings.STORAGES = {**settings.STORAGES, "default": storage}
        with tenant_context(association):
            # The browser calls it text/html: the content decides what S3 stores and serves.
            upload = SimpleUploadedFile("資料.pdf", pdf_bytes(1), content_type="text/html")
            file = library_file_add(
                upload=upload, title="資料", category="", author=_owner(association)
            )
            stored = boto3.client("s3", region_name="ap-northeast-1").head_object(
                Bucket="kairan-files", Key=file.file.name
            )
            assert stored["ContentType"] == "application/pdf"
            url = file_url(
                name=file.file.name, filename=file.filename, content_type="application/pdf",
                download=True,
            )  # fmt: skip
            assert isinstance(storages["default"], type(storages["default"]))
        assert url.startswith(production["origin"] + "/as_sanko/library/")
        assert "X-Amz-Signature=" in url and "X-Amz-Expires=3600" in url
        assert "response-content-disposition=attachment" in url
        fetched = requests.get(url, timeout=5)
        assert fetched.status_code == 200
        assert fetched.content.startswith(b"%PDF-")
        assert fetched.headers["Content-Disposition"].startswith("attachment;")


@pytest.mark.usefixtures("transactional_platform")
def test_a_worker_renders_the_pages_once_the_upload_is_committed(media_root, worker) -> None:
    from tests.conftest import jobs_finish

    association = association_make(slug="shigoto")
    assert _upload(association, pdf_bytes(pages=3)).status_code == 302
    jobs_finish(worker)
    with tenant_context(association):
        file = LibraryFile.objects.get()
        assert (file.pages_status, file.page_count, file.pages.count()) == ("ready", 3, 3)
