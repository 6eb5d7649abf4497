"""Amazon SNS message signatures: a notice is only believed if AWS signed it.

https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html — the
signing certificate must come from an SNS endpoint over HTTPS; the signed string is the
message's fields, name and value on their own lines, in a fixed order per type; version 1 is
SHA1withRSA, version 2 SHA256withRSA.
"""

import base64
import re
import urllib.request
from functools import lru_cache
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

_SNS_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")
_FIELDS = {
    "Notification": ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"],
    "SubscriptionConfirmation": [
        "Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type",
    ],
    "UnsubscribeConfirmation": [
        "Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type",
    ],
}  # fmt: skip


class SnsSignatureError(Exception):
    """The notice is not signed by Amazon SNS (or not as the documentation requires)."""


def sns_string_to_sign(message: dict[str, str]) -> bytes:
    fields = _FIELDS.get(message.get("Type", ""))
    if fields is None:
        raise SnsSignatureError(f"unknown message type {message.get('Type')!r}")
    lines = []
    for name in fields:
        if name in message:  # Subject is optional
            lines += [name, message[name]]
        elif name != "Subject":
            raise SnsSignatureError(f"field {name} missing")
    return ("\n".join(lines) + "\n").encode()


def sns_endpoint_check(url: str) -> None:
    """Raise unless the URL is HTTPS on an SNS endpoint (certificates, SubscribeURL)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not _SNS_HOST.match(parts.hostname or ""):
        raise SnsSignatureError("URL is not on an SNS endpoint")


def certificate_url_check(url: str) -> None:
    sns_endpoint_check(url)
    if not urlsplit(url).path.endswith(".pem"):
        raise SnsSignatureError("signing certificate URL is not a .pem")


@lru_cache(maxsize=16)
def _certificate_fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (https, checked host)
        return response.read()


def sns_message_verify(message: dict[str, str]) -> None:
    """Raise SnsSignatureError unless the notice carries a valid SNS signature."""
    url = message.get("SigningCertURL") or message.get("SigningCertUrl") or ""
    certificate_url_check(url)
    try:
        signature = base64.b64decode(message["Signature"], validate=True)
    except (KeyError, ValueError) as error:
        raise SnsSignatureError("no signature") from error
    algorithm = {"1": hashes.SHA1(), "2": hashes.SHA256()}.get(message.get("SignatureVersion", ""))  # noqa: S303 (version 1 is SNS's own)
    if algorithm is None:
        raise SnsSignatureError("unknown signature version")
    certificate = x509.load_pem_x509_certificate(_certificate_fetch(url))
    try:
        certificate.public_key().verify(  # type: ignore[call-arg, union-attr]  # SNS certificates carry RSA keys
            signature, sns_string_to_sign(message), padding.PKCS1v15(), algorithm
        )
    except InvalidSignature as error:
        raise SnsSignatureError("signature does not match") from error
