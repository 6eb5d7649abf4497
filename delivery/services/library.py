"""The association's file library (資料): staff upload PDFs and JPEGs, residents read them.

A file is checked before anything is stored: its size against LIBRARY_MAX_BYTES, its type
by its first bytes (delivery.uploads), a JPEG's dimensions by its header. It is stored under
a random name through Django's storage API (S3 in production, delivery.media), the row is
written after the object, and a failed row removes the object: nothing is stored half. A
PDF's pages become images in a job (delivery.page_images), for phones.
"""

import hashlib
import logging
import secrets
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image

from delivery import tasks
from delivery.models import LibraryFile, LibraryPage
from delivery.page_images import PageRenderError, pdf_pages_render
from delivery.uploads import (
    CONTENT_TYPES,
    EXTENSIONS,
    HEAD_BYTES,
    UploadKind,
    UploadRefused,
    filename_sanitise,
    upload_kind_detect,
    upload_too_large,
)
from tenants.connection import connection
from tenants.models import User

logger = logging.getLogger(__name__)

# Larger photos are no circular; and the pixel count, not the file size, is what a decoder
# allocates (a small JPEG can declare 50,000 × 50,000 pixels).
JPEG_PIXELS_MAX = 40_000_000


def _jpeg_check(upload: UploadedFile) -> None:
    upload.seek(0)
    too_large = UploadRefused(
        _("画像の縦横が大きすぎます。小さくしてから（4000万画素まで）選んでください。")
    )
    try:
        with Image.open(upload) as image:  # reads the header only
            if image.format != "JPEG":
                raise UploadRefused(_("JPEGの形が正しくありません。"))
            if image.width * image.height > JPEG_PIXELS_MAX:
                raise too_large
            image.verify()
    except Image.DecompressionBombError as error:  # Pillow's own, larger limit
        raise too_large from error
    except (OSError, SyntaxError, ValueError) as error:
        raise UploadRefused(
            _("画像ファイルが壊れているようです。もう一度保存し直してから選んでください。")
        ) from error
    finally:
        upload.seek(0)


def library_file_add(
    *, upload: UploadedFile, title: str, category: str, author: User
) -> LibraryFile:
    """Check and store an uploaded PDF or JPEG; a PDF's page images follow in a job."""
    if upload.size is None or upload.size > settings.LIBRARY_MAX_BYTES:
        raise upload_too_large(max_bytes=settings.LIBRARY_MAX_BYTES)
    upload.seek(0)
    kind = upload_kind_detect(head=upload.read(HEAD_BYTES))
    if kind == UploadKind.JPEG:
        _jpeg_check(upload)
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    # The browser's Content-Type is the uploader's claim; S3 would store and serve it.
    upload.content_type = CONTENT_TYPES[kind]
    storage = storages["default"]
    name = storage.save(
        f"{connection.schema_name}/library/{secrets.token_hex(16)}.{EXTENSIONS[kind]}", upload
    )
    try:
        with transaction.atomic():
            file = LibraryFile.objects.create(
                title=title.strip()[:100],
                category=category.strip()[:30],
                kind=LibraryFile.Kind.PDF if kind == UploadKind.PDF else LibraryFile.Kind.JPEG,
                file=name,
                filename=filename_sanitise(name=upload.name or "", kind=kind),
                size=upload.size,
                sha256=digest.hexdigest(),
                pages_status=LibraryFile.Pages.PENDING
                if kind == UploadKind.PDF
                else LibraryFile.Pages.NONE,
                author_id=author.pk,
                author_name=author.get_full_name() or author.email,
            )
            if kind == UploadKind.PDF:
                transaction.on_commit(lambda: tasks.library_pages_render.send(file.pk))
    except BaseException:
        storage.delete(name)
        raise
    return file


def library_file_delete(*, file: LibraryFile) -> None:
    """Remove a file, its page images and its links from notices; objects go after commit."""
    names = [file.file.name, *file.pages.values_list("image", flat=True)]
    with transaction.atomic():
        LibraryFile.objects.filter(pk=file.pk).delete()

        def objects_delete() -> None:
            storage = storages["default"]
            for name in names:
                storage.delete(name)

        transaction.on_commit(objects_delete)


def library_pages_render(*, file_id: int) -> int:
    """Render a library PDF's pages as JPEG images; returns how many. Safe to run twice: the
    images keep their names and the rows are replaced in one transaction."""
    file = LibraryFile.objects.filter(pk=file_id, kind=LibraryFile.Kind.PDF).first()
    if file is None or file.pages_status == LibraryFile.Pages.READY:
        return 0
    storage = storages["default"]
    base = file.file.name.rsplit(".", 1)[0]
    pages = []
    with tempfile.TemporaryDirectory(prefix="kairan-pages-") as folder:
        pdf = Path(folder) / "file.pdf"
        with storage.open(file.file.name, "rb") as source, pdf.open("wb") as target:
            shutil.copyfileobj(source, target)
        out = Path(folder) / "pages"
        out.mkdir()
        try:
            rendered = pdf_pages_render(pdf=pdf, out_dir=out, max_pages=settings.LIBRARY_PAGES_MAX)
        except PageRenderError as error:
            # Residents still read the PDF itself; staff see that there are no page images.
            logger.warning("library file %s: no page images: %s", file.pk, error)
            LibraryFile.objects.filter(pk=file.pk).update(pages_status=LibraryFile.Pages.FAILED)
            return 0
        for image in rendered.images:
            with Image.open(image.path) as picture:
                width, height = picture.size
            with image.path.open("rb") as handle:
                name = storage.save(f"{base}-p{image.number:03d}.jpg", File(handle))
            pages.append(
                LibraryPage(file=file, number=image.number, image=name, width=width, height=height)
            )
    with transaction.atomic():
        if not LibraryFile.objects.select_for_update().filter(pk=file.pk).exists():
            for page in pages:  # deleted while rendering
                storage.delete(page.image.name)
            return 0
        LibraryPage.objects.filter(file=file).delete()
        LibraryPage.objects.bulk_create(pages)
        LibraryFile.objects.filter(pk=file.pk).update(
            pages_status=LibraryFile.Pages.READY, page_count=rendered.page_count
        )
    return len(pages)
