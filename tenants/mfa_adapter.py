"""allauth's MFA adapter, with the WebAuthn relying party set to BASE_DOMAIN.

allauth names the relying party after the request's host. Staff sign in on the public host
and work on their association's host (<slug>.BASE_DOMAIN): a key registered on one would not
answer on the other. BASE_DOMAIN is a suffix of every host Kairan serves, which WebAuthn
accepts as the relying party id for all of them (WebAuthn Level 2, §5.1.3 rp.id).
"""

from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings


class MFAAdapter(DefaultMFAAdapter):
    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        return {"id": settings.BASE_DOMAIN, "name": "Kairan"}
