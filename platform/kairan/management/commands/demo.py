import signal
import socket
import subprocess
import sys
import time
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from delivery.addresses import join_address
from delivery.smtp_listener import smtp_listener_start
from kairan.demo import demo_seed
from kairan.wareki import fiscal_year_label
from tenants.selectors import association_url, public_url


class Command(BaseCommand):
    help = (
        "Run the whole product locally: web, worker and a mail catcher, with a sample association."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=f"127.0.0.1:{settings.SITE_PORT or 8000}")

    def handle(self, *args: object, **options: str) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo runs with KAIRAN_ENV=development only.")
        host, _, port = options["bind"].rpartition(":")
        _port_free(host, int(port), "web")
        _port_free(settings.EMAIL_HOST, settings.EMAIL_PORT, "SMTP")

        self.stdout.write("Preparing the database …")
        call_command("setup", verbosity=0)
        info = demo_seed()
        call_command("collectstatic", interactive=False, verbosity=0)

        # One listener: mail to the associations' addresses goes to the inbound gateway, all
        # other mail (what residents would receive) is kept for the mailbox page.
        catcher = smtp_listener_start(
            host=settings.EMAIL_HOST, port=settings.EMAIL_PORT, catch_dir=settings.MAIL_CATCHER_DIR
        )
        children = [
            subprocess.Popen(
                [sys.executable, "-m", "dramatiq", "kairan.worker", "-p", "1", "-t", "4"]
            ),
            subprocess.Popen([sys.executable, "-m", "kairan.cli", "scheduler"]),
            # No gunicorn access log (as in infra/Dockerfile): it prints paths, and residents'
            # paths carry their link tokens; Kairan logs each request itself, route only.
            subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "kairan.wsgi",
                    "--bind", options["bind"], "--workers", "2", "--threads", "4",
                ]
            ),
        ]  # fmt: skip
        self.stdout.write(
            self.style.SUCCESS(
                "\nKairan is running.\n"
                f"  Public site         {public_url('/')}\n"
                f"  Sample association  {association_url(info.association, '/')}\n"
                f"  Staff pages         {association_url(info.association, '/staff/')}\n"
                f"  Staff login         {info.staff_email} / {info.staff_password}\n"
                f"  City portal         {public_url('/city/')}\n"
                f"  Clerk login         {info.clerk_email} / {info.staff_password}"
                f"  ({info.program.name}, {fiscal_year_label(info.program.fiscal_year)})\n"
                f"  Operator (admin)    {public_url('/admin/')}\n"
                f"  Operator login      {info.operator_email} / {info.staff_password}\n"
                f"  Authenticator code  the three logins share one: `.venv/bin/kairan demo_code` "
                f"prints it; or add the key {info.totp_secret} to an authenticator app\n"
                f"  Mailbox (all mail)  {public_url('/dev/mail/')}\n"
                f"  SMTP listener       {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
                f"  (join by mail: {join_address(info.association.slug)})\n"
                "Press Ctrl-C to stop (`make stop` then stops the embedded database and Redis).\n"
            )
        )
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                child.wait(timeout=30)
            catcher.stop()
        if not stopping:
            raise CommandError("A demo process stopped unexpectedly; see the output above.")


def _port_free(host: str, port: int, what: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise CommandError(
                f"Port {port} on {host} ({what}) is in use: is another demo still running?"
            ) from None
