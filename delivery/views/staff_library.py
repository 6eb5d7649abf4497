"""Staff pages of the file library: upload, look, delete."""

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from delivery import selectors
from delivery.forms import LibraryUploadForm
from delivery.media import library_file_links
from delivery.models import LibraryFile
from delivery.services import library
from delivery.uploads import UploadRefused, upload_too_large
from tenants.http import StaffRequest
from tenants.permissions import staff_required

# Room for the form's other fields and the multipart boundaries around the file.
_FORM_OVERHEAD = 64 * 1024


class SizeCappedUploadHandler(FileUploadHandler):
    """Stops taking an upload the moment it passes LIBRARY_MAX_BYTES, so a file larger than
    the cap never reaches the disk (Django would otherwise spool all of it to /tmp)."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.LIBRARY_MAX_BYTES:
            self.request.upload_too_large = True  # type: ignore[union-attr]  # Django gives upload handlers the request
            # What is left of the body is at most _FORM_OVERHEAD (checked before parsing):
            # reading it keeps the connection usable for the error page.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file


def _library_page(
    request: HttpRequest, form: LibraryUploadForm, status: int = 200, error: str = ""
) -> HttpResponse:
    context = {
        "form": form,
        "upload_error": error,
        "files": selectors.library_file_list(),
        "categories": selectors.library_categories(),
        "max_megabytes": settings.LIBRARY_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "delivery/staff/library.html", context, status=status)


def _refused(request: HttpRequest, refusal: UploadRefused) -> HttpResponse:
    # The title and category typed stay in the form; the file has to be chosen again.
    form = LibraryUploadForm(initial=request.POST.dict() if request.method == "POST" else None)
    return _library_page(request, form, status=refusal.status, error=str(refusal))


@staff_required
@csrf_exempt  # checked by _library_upload, after the size cap is in place
def library_home(request: StaffRequest) -> HttpResponse:
    """The list of files and the upload form. An upload is measured before it is read: a
    Content-Length over the cap is refused at once, and the cap handler stops any other."""
    if request.method == "POST":
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.LIBRARY_MAX_BYTES + _FORM_OVERHEAD:
            refusal = upload_too_large(max_bytes=settings.LIBRARY_MAX_BYTES)
            return _library_page(request, LibraryUploadForm(), status=413, error=str(refusal))
        # Django reads the body when request.POST is first touched (by the CSRF check):
        # handlers must be in place before that (Django docs, "Modifying upload handlers on
        # the fly").
        request.upload_handlers.insert(0, SizeCappedUploadHandler(request))
    return _library_upload(request)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _library_upload(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _library_page(request, LibraryUploadForm())
    files = request.FILES  # parses the body (unless the CSRF check did), setting the flag
    if getattr(request, "upload_too_large", False):
        return _refused(request, upload_too_large(max_bytes=settings.LIBRARY_MAX_BYTES))
    form = LibraryUploadForm(request.POST, files)
    if not form.is_valid():
        return _library_page(request, form, status=400)
    try:
        file = library.library_file_add(
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            category=form.cleaned_data["category"],
            author=request.user,
        )
    except UploadRefused as refusal:
        return _refused(request, refusal)
    messages.success(request, _("「%(title)s」を資料室に入れました。") % {"title": file.title})
    return redirect("staff_library_file", file_id=file.pk)


@staff_required
def library_file(request: StaffRequest, file_id: int) -> HttpResponse:
    file = get_object_or_404(LibraryFile, pk=file_id)
    context = {"file": file, "notices": file.notices.order_by("-created_at")[:20]}
    context.update(library_file_links(file))
    return render(request, "delivery/staff/library_file.html", context)


@staff_required
@require_POST
def library_file_delete(request: StaffRequest, file_id: int) -> HttpResponse:
    file = get_object_or_404(LibraryFile, pk=file_id)
    library.library_file_delete(file=file)
    messages.success(request, _("「%(title)s」を削除しました。") % {"title": file.title})
    return redirect("staff_library")
