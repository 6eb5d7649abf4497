from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kairan.demo import demo_code


class Command(BaseCommand):
    help = "Print the demo owner's current authenticator (TOTP) code; development only."

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo runs with KAIRAN_ENV=development only.")
        self.stdout.write(demo_code())
