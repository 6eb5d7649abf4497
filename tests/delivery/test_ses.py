"""Amazon SES: sending through the v2 API, and the SNS webhook for inbound mail, bounces and
complaints — tested with moto (SES, S3) and SNS notices signed here as AWS signs them."""

import base64
import datetime
import json

import boto3
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.test import Client
from django_tenants.utils import tenant_context
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from delivery import sns
from delivery.models import Delivery, Subscriber
from delivery.registry.models import InboundMessage, Suppression
from delivery.services.inbound import inbound_route
from tests.factories import association_make, deliveries_run, subscriber_make

pytestmark = pytest.mark.usefixtures("platform")

CERT_URL = "https://sns.ap-northeast-1.amazonaws.com/SimpleNotificationService-test.pem"
TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:kairan-inbound"


@pytest.fixture(scope="module")
def signing_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    return key, certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(autouse=True)
def aws_certificate(monkeypatch, signing_key):
    fetched = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return signing_key[1]

    monkeypatch.setattr(sns, "_certificate_fetch", fetch)
    return fetched


def _signed(signing_key, message_type: str, body: dict | str, **fields: str) -> dict:
    message = {
        "Type": message_type,
        "MessageId": "b7a1-test",
        "TopicArn": TOPIC,
        "Message": body if isinstance(body, str) else json.dumps(body),
        "Timestamp": "2026-12-03T10:00:00.000Z",
        "SignatureVersion": "2",
        "SigningCertURL": CERT_URL,
        **fields,
    }
    signature = signing_key[0].sign(
        sns.sns_string_to_sign(message), padding.PKCS1v15(), hashes.SHA256()
    )
    message["Signature"] = base64.b64encode(signature).decode()
    return message


def _post(message: dict | bytes):
    body = message if isinstance(message, bytes) else json.dumps(message)
    return Client(HTTP_HOST=settings.BASE_DOMAIN).post(
        "/inbound/ses/", body, content_type="text/plain"
    )


JOIN_MAIL = (
    b"From: =?utf-8?b?5bGx55Sw?= <yamada@example.jp>\r\nTo: nishi@mail.kairan.test\r\n"
    b"Subject: \r\nMessage-ID: <join-1@example.jp>\r\n\r\n"
)


@mock_aws
def test_mail_received_by_ses_reaches_the_gateway(signing_key) -> None:
    association = association_make(slug="nishi")
    s3 = boto3.client("s3", region_name=settings.AWS_SES_REGION)
    s3.create_bucket(
        Bucket="kairan-inbound",
        CreateBucketConfiguration={"LocationConstraint": settings.AWS_SES_REGION},
    )
    s3.put_object(Bucket="kairan-inbound", Key="mail/abc", Body=JOIN_MAIL)
    notice = {
        "notificationType": "Received",
        "mail": {"source": "yamada@example.jp"},
        "receipt": {
            "recipients": [f"nishi@{settings.MAIL_DOMAIN}"],
            "action": {"type": "S3", "bucketName": "kairan-inbound", "objectKey": "mail/abc"},
        },
    }
    response = _post(_signed(signing_key, "Notification", notice))
    assert response.status_code == 200
    [stored] = InboundMessage.objects.all()
    assert bytes(stored.raw) == JOIN_MAIL
    inbound_route(message_id=stored.pk)
    with tenant_context(association):
        subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.display_name) == ("pending", "山田")


def test_unsigned_tampered_or_foreign_notices_are_refused(signing_key) -> None:
    good = _signed(signing_key, "Notification", {"receipt": {}})
    unsigned = {k: v for k, v in good.items() if k != "Signature"}
    tampered = {**good, "Message": json.dumps({"receipt": {"recipients": ["x"]}})}
    foreign = _signed(signing_key, "Notification", {}, SigningCertURL="https://evil.example/c.pem")
    plain_http = _signed(
        signing_key, "Notification", {}, SigningCertURL=CERT_URL.replace("https", "http")
    )
    for message in (unsigned, tampered, foreign, plain_http):
        assert _post(message).status_code == 403
    assert _post(b"this is not json").status_code == 400
    assert _post(b"[1, 2, 3]").status_code == 400
    assert not InboundMessage.objects.exists()


def test_topics_outside_the_list_are_refused(signing_key, settings) -> None:
    settings.AWS_SNS_TOPIC_ARNS = ["arn:aws:sns:ap-northeast-1:123456789012:other"]
    response = _post(_signed(signing_key, "Notification", {"receipt": {}}))
    assert response.status_code == 403


def test_subscription_is_confirmed_by_visiting_the_sns_url(signing_key, monkeypatch) -> None:
    visited = []

    class Opened:
        def __enter__(self):
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    def urlopen(url: str, timeout: int) -> Opened:
        visited.append(url)
        return Opened()

    monkeypatch.setattr("delivery.views.inbound.urllib.request.urlopen", urlopen)
    url = "https://sns.ap-northeast-1.amazonaws.com/?Action=ConfirmSubscription&Token=t"
    message = _signed(
        signing_key, "SubscriptionConfirmation", "confirm", SubscribeURL=url, Token="t"
    )
    assert _post(message).status_code == 200
    assert visited == [url]


@mock_aws
def test_sending_through_ses_and_a_complaint_event(signing_key, settings) -> None:
    settings.MAIL_TRANSPORT = "ses"
    ses = boto3.client("sesv2", region_name=settings.AWS_SES_REGION)
    ses.create_email_identity(EmailIdentity=settings.MAIL_DOMAIN)
    association = association_make(slug="higashi")
    subscriber_make(association, "田中", "tanaka@example.jp")
    assert deliveries_run(association) == 1  # the welcome mail, accepted by SES
    with tenant_context(association):
        delivery = Delivery.objects.get(kind="welcome")
    assert delivery.status == "sent"
    [sent] = ses_backends[DEFAULT_ACCOUNT_ID][settings.AWS_SES_REGION].sent_messages
    assert "tanaka@example.jp" in sent.destinations
    assert f"Message-ID: {delivery.message_id}" in sent.raw_data

    event = {
        "eventType": "Complaint",
        "mail": {"tags": {"kairan_schema": ["as_higashi"], "kairan_delivery": [delivery.token]}},
        "complaint": {"complaintFeedbackType": "abuse"},
    }
    assert _post(_signed(signing_key, "Notification", event)).status_code == 200
    with tenant_context(association):
        assert Subscriber.objects.get().status == "unsubscribed"
    assert Suppression.objects.get().reason == "complaint"
