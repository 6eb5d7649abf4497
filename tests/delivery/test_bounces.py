"""Bounces (RFC 3464) and complaints stop mail to an address, in every association."""

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from delivery.addresses import bounce_address
from delivery.audience import Audience
from delivery.models import Delivery, Subscriber
from delivery.registry.models import InboundMessage, Suppression
from delivery.services.inbound import inbound_route
from delivery.services.notices import notice_create
from delivery.services.subscriptions import subscriber_join
from tenants.models import Membership
from tests.factories import association_make, deliveries_run, subscriber_make

pytestmark = pytest.mark.usefixtures("platform")


def _dsn(recipient: str, status: str, original_message_id: str) -> bytes:
    """A bounce as Postfix sends it: multipart/report with a delivery-status part."""
    return (
        "From: MAILER-DAEMON@mx.example.jp\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.jp\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {original_message_id}\r\nSubject: notice\r\n\r\n--B--\r\n"
    ).encode()


def _route(raw: bytes, recipient: str) -> list[str]:
    message = InboundMessage.objects.create(raw=raw, recipients=[recipient], source="test")
    return inbound_route(message_id=message.pk)


@pytest.fixture
def town(platform, mail_sink):
    association = association_make(slug="town")
    subscriber_make(association, "佐藤", "dead@example.jp")
    subscriber_make(association, "鈴木", "alive@example.jp")
    owner = Membership.objects.get(association=association).user
    with tenant_context(association):
        Delivery.objects.update(status="sent")
        notice_create(author=owner, subject="総会", body="x", audience=Audience(everyone=True))
        deliveries_run(association)
        delivery = Delivery.objects.get(kind="notice", subscriber__display_name="佐藤")
    return association, owner, delivery


def test_permanent_bounce_by_verp_suppresses_the_address_everywhere(town) -> None:
    association, owner, delivery = town
    verp = bounce_address("town", delivery.token)
    assert _route(_dsn("dead@example.jp", "5.1.1", delivery.message_id), verp) == ["bounce"]
    with tenant_context(association):
        delivery.refresh_from_db()
        assert delivery.status == "bounced"
        assert Subscriber.objects.get(display_name="佐藤").status == "bounced"
        notice = notice_create(
            author=owner, subject="次", body="x", audience=Audience(everyone=True)
        )
        assert notice.recipient_count == 1  # only 鈴木 now
    assert Suppression.objects.filter(reason="bounce").count() == 1

    # Another association: the dead address joins there; no confirmation is ever sent.
    other = association_make(slug="other")
    with tenant_context(other):
        subscriber_join(address="dead@example.jp", display_name="佐藤", group_ids=[])
        assert not Subscriber.objects.exists()


def test_bounce_to_the_join_address_is_matched_by_the_bounced_message_id(town) -> None:
    association, _owner, delivery = town
    join = f"town@{settings.MAIL_DOMAIN}"
    assert _route(_dsn("dead@example.jp", "5.1.1", delivery.message_id), join) == ["bounce"]
    with tenant_context(association):
        delivery.refresh_from_db()
    assert delivery.status == "bounced"


def test_temporary_bounce_suppresses_nothing(town) -> None:
    association, _owner, delivery = town
    verp = bounce_address("town", delivery.token)
    _route(_dsn("dead@example.jp", "4.2.2", delivery.message_id), verp)
    with tenant_context(association):
        delivery.refresh_from_db()
        assert delivery.status == "sent" and delivery.error.startswith("delayed 4.2.2")
    assert not Suppression.objects.exists()


@pytest.mark.usefixtures("town")
def test_forged_bounce_tokens_and_unknown_associations_are_dropped() -> None:
    forged = bounce_address("town", "a" * 16)
    assert _route(_dsn("dead@example.jp", "5.1.1", "<x@y>"), forged) == ["dropped"]
    assert _route(_dsn("dead@example.jp", "5.1.1", "<x@y>"), f"ghost@{settings.MAIL_DOMAIN}") == [
        "dropped"
    ]
    assert not Suppression.objects.exists()
    assert not InboundMessage.objects.exists()  # routed messages are not kept
