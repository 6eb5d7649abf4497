"""Where library files are stored and how a browser reaches them: never from an association's
host, always by a link that expires.

- Production (`FILE_STORAGE=s3`): django-storages' S3 backend; a link is an S3 presigned URL
  whose signature also covers the Content-Disposition and Content-Type S3 must answer with.
- Development (`FILE_STORAGE=local`): `MediaStorage` below keeps files under
  `KAIRAN_STATE_DIR/media`, and its links point at the media host (`MEDIA_HOST`, by default
  `media.BASE_DOMAIN`), which `MediaHostMiddleware` answers before tenant routing. The link
  is signed and expires like a presigned URL, so code above the storage API cannot tell the
  two apart.

A separate origin matters because an uploaded file is content written by someone else: if a
browser were ever talked into rendering one as a page, on an association's host it would run
with that host's staff session; on the media host there is no session, no cookie (cookies are
host-only, docs/security.md) and nothing to steal.
"""

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, storages
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseGone,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
)
from django.utils.http import content_disposition_header

from delivery.uploads import CONTENT_TYPES, UploadKind
from tenants.selectors import site_url

if TYPE_CHECKING:
    from delivery.models import LibraryFile

_SALT = "kairan.media"
_PATH = re.compile(r"^/f/(?P<token>[A-Za-z0-9_:.\-]+)/?$")


class MediaStorage(FileSystemStorage):
    """Local files with presigned-style links on the media host (development, self-hosting)."""

    def __init__(self, **kwargs: object) -> None:
        # Page images are re-rendered under the same names; a retried job must overwrite.
        kwargs.setdefault("allow_overwrite", True)
        super().__init__(**kwargs)  # type: ignore[arg-type]  # options go through to FileSystemStorage

    def url(  # type: ignore[override]  # S3Storage.url's parameters, same call sites
        self, name: str, parameters: dict[str, str] | None = None, expire: int | None = None
    ) -> str:
        """Same arguments as django-storages' S3Storage.url."""
        parameters = parameters or {}
        payload = {
            "n": name,
            "d": parameters.get("ResponseContentDisposition", "attachment"),
            "t": parameters.get("ResponseContentType", "application/octet-stream"),
            "e": int(time.time()) + (expire or settings.FILE_URL_SECONDS),
        }
        token = signing.dumps(payload, salt=_SALT, compress=True)
        return site_url(settings.MEDIA_HOST, f"/f/{token}")


def file_url(*, name: str, filename: str, content_type: str, download: bool) -> str:
    """A link to a stored file that works for FILE_URL_SECONDS, from the files' own origin."""
    disposition = content_disposition_header(download, filename) or "attachment"
    return storages["default"].url(
        name,
        parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type},
        expire=settings.FILE_URL_SECONDS,
    )


def library_file_links(file: "LibraryFile") -> dict[str, object]:
    """Links to a file and its page images (valid for FILE_URL_SECONDS), for a page."""
    content_type = CONTENT_TYPES[UploadKind(file.kind)]
    pages = [
        (
            page,
            file_url(
                name=page.image.name,
                filename=f"{file.pk}-{page.number}.jpg",
                content_type="image/jpeg",
                download=False,
            ),
        )
        for page in file.pages.all()
    ]
    return {
        "open_url": file_url(
            name=file.file.name, filename=file.filename, content_type=content_type, download=False
        ),
        "download_url": file_url(
            name=file.file.name, filename=file.filename, content_type=content_type, download=True
        ),
        "pages": pages,
    }


def media_serve(request: HttpRequest) -> HttpResponse:
    """A file of a MediaStorage link, with the headers the link was signed with."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    match = _PATH.match(request.path_info)
    storage = storages["default"]
    if match is None or not isinstance(storage, MediaStorage):
        return HttpResponseNotFound()
    try:
        payload = signing.loads(match.group("token"), salt=_SALT)
    except signing.BadSignature:
        return HttpResponseForbidden()
    remaining = int(payload["e"]) - int(time.time())
    if remaining <= 0:
        return HttpResponseGone()
    try:
        handle = storage.open(payload["n"], "rb")
    except (FileNotFoundError, SuspiciousFileOperation):  # deleted since; outside the folder
        return HttpResponseNotFound()
    response = FileResponse(handle, content_type=payload["t"])
    response["Content-Disposition"] = payload["d"]
    # The type was decided from the content when it was uploaded (delivery.uploads): the
    # browser must not guess another one.
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Frame-Options"] = "DENY"
    response["Cache-Control"] = f"private, max-age={remaining}"
    return response


class MediaHostMiddleware:
    """Answers every request for MEDIA_HOST, before tenant routing: the media host is no
    association's host and has no pages, sessions or cookies of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.host = settings.MEDIA_HOST

    def __call__(self, request: HttpRequest) -> HttpResponse:
        host = request.META.get("HTTP_HOST", "").lower()
        if host.split(":", 1)[0] != self.host:
            return self.get_response(request)
        return media_serve(request)
