import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from delivery.smtp_listener import smtp_listener_start


class Command(BaseCommand):
    help = (
        "Receive mail for the associations' addresses on MAIL_DOMAIN (joins, confirmations, "
        "replies, bounces). In development it also keeps every other message for /dev/mail/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)

    def handle(self, *args: object, **options: object) -> None:
        controller = smtp_listener_start(
            host=str(options["host"]),
            port=int(str(options["port"])),
            catch_dir=settings.MAIL_CATCHER_DIR,
        )
        self.stdout.write(f"SMTP listener on {options['host']}:{options['port']}")
        try:
            while True:
                time.sleep(3600)
        finally:
            controller.stop()
