from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the one scheduler of periodic jobs (platform/kairan/periodic.py)."

    def handle(self, *args: object, **options: object) -> None:
        import kairan.periodic  # noqa: F401  (declares the schedules)

        call_command("crontab", no_heartbeat=True)
