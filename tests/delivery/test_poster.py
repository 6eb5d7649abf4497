"""The registration poster for the paper 回覧板: QR codes, addresses, plain instructions."""

import io
from urllib.parse import unquote

import pytest
from pypdf import PdfReader

from delivery.poster import join_mailto
from tenants.models import Membership
from tests.conftest import staff_client
from tests.factories import association_make

pytestmark = pytest.mark.usefixtures("platform")


def test_poster_has_the_join_address_url_and_steps() -> None:
    association = association_make(slug="midori", name="緑ヶ丘自治会")
    owner = Membership.objects.get(association=association).user
    response = staff_client(association, owner).get("/staff/poster/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text().replace("\n", "")
    for expected in [
        "緑ヶ丘自治会",
        "midori@mail.kairan.test",
        "http://midori.kairan.test/join/",
        "そのまま送信します",
        "返信するか",
        "メールアドレスは自治会の担当者にも見えません",
    ]:
        assert expected in text, expected


def test_the_qr_code_opens_a_mail_to_the_join_address() -> None:
    association = association_make(slug="aoi")
    uri = join_mailto(association)
    assert uri.startswith("mailto:aoi@mail.kairan.test?")
    assert unquote(uri).endswith("?subject=登録")
    assert uri.isascii()  # RFC 6068: non-ASCII is percent-encoded
