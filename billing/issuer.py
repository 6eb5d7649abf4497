"""The platform as a vendor (システム提供業者): who issues estimates, invoices and receipts.

Read from settings (README: ISSUER_*). A qualified invoice (適格請求書) needs the issuer's name
and registration number, T followed by 13 digits.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

REGISTRATION_NUMBER_RE = re.compile(r"^T\d{13}$")


@dataclass(frozen=True)
class Issuer:
    name: str
    address: str
    phone: str
    registration_number: str
    bank_account: str


def issuer_get() -> Issuer:
    number = settings.ISSUER_REGISTRATION_NUMBER
    if not REGISTRATION_NUMBER_RE.match(number):
        raise ImproperlyConfigured(
            f"ISSUER_REGISTRATION_NUMBER must be T and 13 digits, not {number!r}."
        )
    return Issuer(
        name=settings.ISSUER_NAME,
        address=settings.ISSUER_ADDRESS,
        phone=settings.ISSUER_PHONE,
        registration_number=number,
        bank_account=settings.ISSUER_BANK_ACCOUNT,
    )
