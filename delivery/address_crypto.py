"""Residents' addresses at rest: Fernet encryption with named keys, and a keyed blind index.

Each row stores the id of the key that encrypted it, so keys can be rotated: put the new key
first in ADDRESS_KEYS, keep the old ones after it until every row has been re-encrypted.
The blind index is an HMAC-SHA256 of the normalised address under ADDRESS_HASH_KEY: equal
addresses give equal hashes, and nobody without the key can test a guess against it.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def address_normalize(address: str) -> str:
    """Lower-case and trim. Local parts are case-sensitive in RFC 5321, but no provider our
    residents use treats them so, and one person must not subscribe twice by case."""
    return address.strip().lower()


def address_hash(address: str) -> str:
    key = settings.ADDRESS_HASH_KEY.encode()
    return hmac.new(key, address_normalize(address).encode(), hashlib.sha256).hexdigest()


def address_encrypt(address: str) -> tuple[str, str]:
    """(key id, ciphertext) of the normalised address, under the current key."""
    key_id, fernet = _keys(settings.ADDRESS_KEYS)[0]
    return key_id, fernet.encrypt(address_normalize(address).encode()).decode()


def address_key_current() -> str:
    """The id of the key new and re-encrypted addresses use (the first of ADDRESS_KEYS)."""
    return _keys(settings.ADDRESS_KEYS)[0][0]


def address_decrypt(key_id: str, ciphertext: str) -> str:
    for candidate_id, fernet in _keys(settings.ADDRESS_KEYS):
        if candidate_id == key_id:
            try:
                return fernet.decrypt(ciphertext.encode()).decode()
            except InvalidToken as error:
                message = f"Address key {key_id} does not decrypt this row."
                raise ImproperlyConfigured(message) from error
    raise ImproperlyConfigured(f"Address key {key_id} is not in ADDRESS_KEYS.")


@lru_cache(maxsize=4)
def _keys(spec: str) -> list[tuple[str, Fernet]]:
    keys = []
    for item in spec.split(","):
        key_id, _, key = item.strip().partition(":")
        if not key_id or not key:
            raise ImproperlyConfigured(
                "ADDRESS_KEYS must be 'id:fernet-key' pairs, comma-separated."
            )
        try:
            keys.append((key_id, Fernet(key.encode())))
        except ValueError as error:
            raise ImproperlyConfigured(f"Address key {key_id} is not a Fernet key.") from error
    return keys
