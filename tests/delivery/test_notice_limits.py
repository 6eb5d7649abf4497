"""A notice body has a length limit, and a request too large to read gets a plain 400 page."""

import pytest
from django_tenants.utils import tenant_context

from delivery.forms import NOTICE_BODY_MAX_LENGTH
from delivery.models import Notice
from tenants.models import Membership
from tests.conftest import notice_post, staff_client
from tests.factories import association_make, subscriber_make

pytestmark = pytest.mark.usefixtures("platform")


@pytest.fixture
def staff():
    association = association_make(slug="nagai")
    subscriber_make(association, "佐藤", "sato@example.jp")
    owner = Membership.objects.get(association=association).user
    return association, staff_client(association, owner)


def test_a_body_over_the_limit_is_refused_with_a_clear_message(staff) -> None:
    association, client = staff
    body = "あ" * (NOTICE_BODY_MAX_LENGTH + 1)
    response = notice_post(client, {"to_everyone": "on", "subject": "長文", "body": body})

    assert response.status_code == 400
    html = response.content.decode()
    assert "本文は20000文字までです（いまは20001文字）。" in html
    with tenant_context(association):
        assert not Notice.objects.exists()


def test_a_body_at_the_limit_is_sent(staff) -> None:
    association, client = staff
    body = "あ" * NOTICE_BODY_MAX_LENGTH
    response = notice_post(client, {"to_everyone": "on", "subject": "長文", "body": body})
    assert response.status_code == 302
    with tenant_context(association):
        assert Notice.objects.get().body == body


def test_the_compose_form_tells_the_browser_the_limit(staff) -> None:
    _association, client = staff
    page = client.get("/staff/notices/new/").content.decode()
    assert f'maxlength="{NOTICE_BODY_MAX_LENGTH}"' in page


def test_a_request_too_large_to_read_gets_the_friendly_400_page(staff) -> None:
    _association, client = staff
    body = "x" * (3 * 1024 * 1024)
    response = notice_post(client, {"to_everyone": "on", "subject": "大きすぎ", "body": body})
    assert response.status_code == 400
    assert "正しくないリクエストです" in response.content.decode()
