"""Submitted documents and the audit trail cannot be changed, not even by code that tries."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from subsidy.models import AuditRecord, Document
from tests.factories import application_make, association_make
from tests.subsidy.journeys import submitted

pytestmark = pytest.mark.usefixtures("platform")


@pytest.fixture
def document() -> Document:
    application = submitted(application_make(association_make(slug="frozen")))
    return application.documents.get()


def test_a_frozen_document_cannot_be_updated(document: Document) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(pdf=b"%PDF-forged")
    with pytest.raises(IntegrityError), transaction.atomic():
        document.sha256 = "0" * 64
        document.save()
    document.refresh_from_db()
    assert bytes(document.pdf).startswith(b"%PDF-") and document.sha256 != "0" * 64


def test_a_frozen_document_cannot_be_deleted(document: Document) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=document.pk).delete()
    assert Document.objects.filter(pk=document.pk).exists()


def test_the_audit_trail_cannot_be_rewritten(document: Document) -> None:
    record = AuditRecord.objects.filter(application=document.application).last()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).update(reason="silently edited")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).delete()


def test_the_submitted_pdf_is_what_is_served_not_a_new_rendering(
    document: Document, settings
) -> None:
    from tests.conftest import staff_client

    application = document.application
    owner = application.association.memberships.get().user
    settings.ISSUER_NAME = "名前を変えた運営者"  # a re-rendering would show this
    response = staff_client(application.association, owner).get(
        f"/staff/subsidy/{application.pk}/documents/{document.pk}/"
    )
    assert response.status_code == 200
    assert response.content == bytes(document.pdf)
    assert date(2024, 5, 1) == application.submitted_on
