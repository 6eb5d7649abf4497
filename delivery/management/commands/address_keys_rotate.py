from django.conf import settings
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from delivery.services.address_keys import addresses_reencrypt
from tenants.models import Association


class Command(BaseCommand):
    help = "Re-encrypt every association's resident addresses under the first ADDRESS_KEYS key."

    def handle(self, *args: object, **options: object) -> None:
        schemas = (
            Association.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
            .order_by("schema_name")
            .values_list("schema_name", flat=True)
        )
        total = 0
        for schema_name in schemas:
            with schema_context(schema_name):
                count = addresses_reencrypt()
            total += count
            if count:
                self.stdout.write(f"{schema_name}: {count} addresses re-encrypted")
        self.stdout.write(f"{total} addresses re-encrypted in all.")
