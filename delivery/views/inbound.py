"""The Amazon SES entrance of the inbound gateway (public host): SNS posts here.

Receipt rule → S3 (+ SNS notice) brings residents' mail; a configuration set's event
destination brings bounces and complaints. django-anymail's SES webhook would do the S3
fetch for us, but it does not verify SNS signatures (it relies on basic auth) and hands over
a parsed message where the gateway routes raw bytes; this view is the small part we need.
"""

import base64
import json
import urllib.request

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from delivery.services.inbound import inbound_store, ses_event_record
from delivery.sns import SnsSignatureError, sns_endpoint_check, sns_message_verify


def _s3_object(bucket: str, key: str) -> bytes:
    import boto3

    client = boto3.client("s3", region_name=settings.AWS_SES_REGION)
    return client.get_object(Bucket=bucket, Key=key)["Body"].read()


def _subscription_confirm(url: str) -> None:
    sns_endpoint_check(url)
    with urllib.request.urlopen(url, timeout=10):  # noqa: S310 (https, SNS host checked)
        pass


@csrf_exempt
@require_POST
def ses_notification(request: HttpRequest) -> HttpResponse:
    try:
        message = json.loads(request.body)
        assert isinstance(message, dict)
    except (ValueError, AssertionError):
        return HttpResponseBadRequest("not an SNS message")
    try:
        sns_message_verify(message)
    except SnsSignatureError as error:
        return HttpResponseForbidden(f"refused: {error}")
    if settings.AWS_SNS_TOPIC_ARNS and message.get("TopicArn") not in settings.AWS_SNS_TOPIC_ARNS:
        return HttpResponseForbidden("refused: topic not accepted")
    if message["Type"] == "SubscriptionConfirmation":
        _subscription_confirm(message["SubscribeURL"])
        return HttpResponse("subscribed")
    if message["Type"] != "Notification":
        return HttpResponse("ignored")
    try:
        notice = json.loads(message["Message"])
    except ValueError:
        return HttpResponseBadRequest("the notification carries no JSON")
    if "receipt" in notice:
        action = notice["receipt"].get("action", {})
        if action.get("type") == "S3":
            raw = _s3_object(action["bucketName"], action["objectKey"])
        elif "content" in notice:
            raw = (
                base64.b64decode(notice["content"])
                if action.get("encoding") == "BASE64"
                else notice["content"].encode()
            )
        else:
            return HttpResponseBadRequest("the receipt carries no message")
        inbound_store(
            raw=raw,
            recipients=list(notice["receipt"].get("recipients", [])),
            envelope_from=notice.get("mail", {}).get("source", ""),
            source="ses",
        )
        return HttpResponse("stored")
    ses_event_record(event=notice)
    return HttpResponse("recorded")
