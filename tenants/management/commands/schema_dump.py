from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.backups import BackupError, schema_dump


class Command(BaseCommand):
    help = "Dump one association (its schema and its public rows) to an archive file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the association's subdomain")
        parser.add_argument("file", type=Path, help="archive to write (a tar file)")

    def handle(self, *args: object, **options: object) -> None:
        try:
            path = schema_dump(slug=str(options["slug"]), path=options["file"])  # type: ignore[arg-type]  # argparse gives str or None
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{options['slug']} → {path} ({path.stat().st_size:,} bytes)")
