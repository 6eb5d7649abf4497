"""Promise 2: staff never see a resident's address — in no staff page, PDF or export."""

import io
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from billing.services.ledger import invoice_issue
from delivery.audience import Audience
from delivery.models import Delivery, Notice, Subscriber
from delivery.questions import question_spec_make
from delivery.registry.models import InboundMessage
from delivery.services.inbound import inbound_route
from delivery.services.library import library_file_add
from delivery.services.notices import notice_create
from delivery.services.subscriptions import paper_household_add
from tenants.models import Membership
from tests.conftest import staff_client
from tests.factories import (
    application_make,
    association_make,
    billing_account_make,
    deliveries_run,
    group_make,
    subscriber_make,
)
from tests.tenants.test_staff_access import _staff_paths

pytestmark = pytest.mark.usefixtures("platform")

ADDRESSES = ["hidden.sato@example.jp", "hidden.suzuki@docomo.ne.jp", "pending.one@example.jp"]


def _visible_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8", errors="replace")


def test_no_staff_page_pdf_or_export_shows_an_address(mail_sink, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    association = association_make(slug="himitsu")
    owner = Membership.objects.get(association=association).user
    billing_account_make(association, date(2024, 4, 15))
    han = group_make(association, "1班")
    subscriber_make(association, "佐藤", ADDRESSES[0], [han])
    subscriber_make(association, "鈴木", ADDRESSES[1], [han])
    with tenant_context(association):
        from delivery.services.subscriptions import subscriber_join

        subscriber_join(address=ADDRESSES[2], display_name="確認待ち", group_ids=[])
        paper_household_add(display_name="田中家", group_ids=[han.pk])
        notice_create(
            author=owner,
            subject="総会",
            body="本文",
            audience=Audience(everyone=True),
            question=question_spec_make(kind="attendance"),  # tally, CSV and paper answers
        )
        library_file = library_file_add(
            upload=SimpleUploadedFile("名簿.pdf", b"%PDF-1.4\n"),
            title="名簿",
            category="",
            author=owner,
        )
    deliveries_run(association)
    with tenant_context(association):
        delivery = Delivery.objects.filter(kind="notice").first()
        notice = Notice.objects.get()
        subscriber = Subscriber.objects.get(display_name="佐藤")
    # A reply whose raw message carries the address.
    raw = (
        f"From: {ADDRESSES[0]}\r\nTo: himitsu+r-{delivery.token}@mail.kairan.test\r\n"
        "Subject: Re: 総会\r\n\r\n出席します\r\n"
    ).encode()
    inbound_route(
        message_id=InboundMessage.objects.create(
            raw=raw, recipients=[f"himitsu+r-{delivery.token}@mail.kairan.test"]
        ).pk
    )
    invoice = invoice_issue(association=association, month=date(2024, 5, 1), today=date(2024, 5, 1))
    application = application_make(association)

    browser = staff_client(association, owner)
    ids = {
        "notice_id": notice.pk,
        "subscriber_id": subscriber.pk,
        "application_id": application.pk,
        "program_id": application.program_id,
        "number": invoice.number,
        "kind": "application",
        "file_id": library_file.pk,
    }
    checked = 0
    for path in _staff_paths(ids):
        response = browser.get(path)
        if response.status_code in (301, 302, 404, 405):
            continue
        text = _visible_text(response)
        checked += 1
        for address in ADDRESSES:
            local = address.split("@")[0]
            assert local not in text, f"{path} shows {local}"
        assert not re.search(r"[\w.+-]+@(example\.jp|docomo\.ne\.jp)", text), path
    assert checked >= 18  # pages, PDFs (paper pack, invoice, subsidy preview), CSVs were read
