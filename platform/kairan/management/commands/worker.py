import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the background workers (dramatiq) for every app's jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--processes", type=int, default=settings.WORKER_PROCESSES)
        parser.add_argument("--threads", type=int, default=settings.WORKER_THREADS)

    def handle(self, *args: object, **options: int) -> None:
        argv = [
            sys.executable, "-m", "dramatiq", "kairan.worker",
            "--processes", str(options["processes"]),
            "--threads", str(options["threads"]),
        ]  # fmt: skip
        os.execv(sys.executable, argv)
