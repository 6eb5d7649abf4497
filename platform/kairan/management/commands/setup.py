from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.services import platform_bootstrap


class Command(BaseCommand):
    help = "Migrate the public schema, create the platform's rows, migrate every association."

    def handle(self, *args: object, **options: object) -> None:
        verbosity = int(options.get("verbosity", 1))  # type: ignore[call-overload]  # options are typed object; Django passes an int
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        platform_bootstrap()
        # Several schemas at a time: a thousand associations otherwise take minutes per deploy.
        executor = "multiprocessing" if settings.MIGRATION_PROCESSES > 1 else "standard"
        call_command(
            "migrate_schemas",
            tenant=True,
            executor=executor,
            interactive=False,
            verbosity=verbosity,
        )
