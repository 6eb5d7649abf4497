"""Freezing documents: the PDF as submitted, stored once with its SHA-256."""

import hashlib
from datetime import date

from django.db.models import Max

from subsidy.documents import document_render
from subsidy.models import Application, Document
from tenants.models import User


def document_freeze(
    *, application: Application, kind: str, user: User, issued_on: date
) -> Document:
    """Render and store the next version of a document; callers hold the application's lock."""
    pdf = document_render(kind=kind, application=application, issued_on=issued_on)
    latest = application.documents.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0
    return Document.objects.create(
        application=application,
        kind=kind,
        version=latest + 1,
        pdf=pdf,
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        created_by=user,
    )
