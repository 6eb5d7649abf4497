import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kairan.mail_catcher import mail_catcher_start


class Command(BaseCommand):
    help = "Run the development SMTP listener that keeps every message as an .eml file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.EMAIL_HOST)
        parser.add_argument("--port", type=int, default=settings.EMAIL_PORT)

    def handle(self, *args: object, **options: object) -> None:
        if not settings.MAIL_CATCHER_DIR:
            raise CommandError("The mail catcher is for development only.")
        controller = mail_catcher_start(
            settings.MAIL_CATCHER_DIR,
            str(options["host"]),
            int(options["port"]),  # type: ignore[call-overload]  # options are typed object; argparse made an int
        )
        self.stdout.write(
            f"SMTP on {controller.hostname}:{controller.port} → {settings.MAIL_CATCHER_DIR}"
        )
        try:
            while True:
                time.sleep(3600)
        finally:
            controller.stop()
