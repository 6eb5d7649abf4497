"""Key rotation for residents' addresses: re-encrypt every row under the current key.

Rotation: put the new key first in ADDRESS_KEYS (keep the old ones after it), deploy, run
`kairan address_keys_rotate`, then remove the old keys. Rows carry their key id, so the
command can be stopped and run again at any point.
"""

from django.db import transaction

from delivery.address_crypto import address_decrypt, address_encrypt, address_key_current
from delivery.models import Subscriber

_BATCH = 500


def addresses_reencrypt() -> int:
    """Re-encrypt this schema's addresses that use an older key; returns how many."""
    current = address_key_current()
    done = 0
    while True:
        with transaction.atomic():
            rows = list(
                Subscriber.objects.select_for_update(skip_locked=True)
                .filter(kind=Subscriber.Kind.EMAIL)
                .exclude(email_key_id=current)
                .only("pk", "email_key_id", "email_ciphertext")[:_BATCH]
            )
            if not rows:
                return done
            for row in rows:
                address = address_decrypt(row.email_key_id, row.email_ciphertext)
                row.email_key_id, row.email_ciphertext = address_encrypt(address)
            Subscriber.objects.bulk_update(rows, ["email_key_id", "email_ciphertext"])
            done += len(rows)
