from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.backups import BackupError, schema_restore


class Command(BaseCommand):
    help = "Restore an association from an archive made by schema_dump, as a new association."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="archive made by schema_dump")
        parser.add_argument("--slug", help="restore under this subdomain instead of the original")

    def handle(self, *args: object, **options: object) -> None:
        try:
            result = schema_restore(path=options["file"], slug=options["slug"])  # type: ignore[arg-type]  # argparse gives str
        except BackupError as error:
            raise CommandError(str(error)) from error
        association = result.association
        self.stdout.write(
            f"Restored {association.name} as {association.slug} ({association.schema_name}), "
            f"{len(result.members)} member(s)."
        )
        for email in result.users_created:
            self.stdout.write(f"  new account without a password (use 'forgot password'): {email}")
