"""Fan-out of one notice to 10,000 subscribers: two real workers, real Redis, an SMTP sink.

Prints one JSON line: mails per second from "send" to the last mail accepted by the sink,
seconds from "send" until every delivery is queued, and peak worker RSS.
Targets (issue #3), on a 2-core machine: ≥ 1,000 mails/s, queued ≤ 2 s, worker RSS ≤ 150 MB.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time

import psutil
from _django import ROOT, django_start, result_write


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    port = _free_port()
    os.environ["SMTP_HOST"], os.environ["SMTP_PORT"] = "127.0.0.1", str(port)
    django_start("kairan_bench_fanout")
    from django.conf import settings
    from django.db import connection
    from django_tenants.utils import tenant_context

    settings.EMAIL_PORT = port
    from delivery.audience import Audience
    from delivery.models import Delivery
    from delivery.services.notices import notice_create
    from tenants.models import User
    from tenants.services import association_provision
    from tests.factories import subscribers_bulk_make

    owner = User.objects.create_user("bench@example.org", "bench-password")
    association = association_provision(
        owner=owner, name="ベンチ自治会", representative="会長", address="一関市", slug="bench"
    )
    subscribers_bulk_make(association, args.subscribers)
    connection.close()

    sink = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "smtp_sink.py"), str(port)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
    workers = subprocess.Popen(
        [
            sys.executable, "-m", "dramatiq", "kairan.worker",
            "--processes", str(args.processes), "--threads", str(args.threads),
        ],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(4)  # let the workers boot before the clock starts
    worker_processes = psutil.Process(workers.pid).children(recursive=True)
    peak_rss = 0

    with tenant_context(association):
        started = time.perf_counter()
        notice = notice_create(
            author=owner,
            subject="総会のお知らせ",
            body="来週の日曜日です。\n" * 20,
            audience=Audience(everyone=True),
        )
        queued_seconds = time.perf_counter() - started
        pending = Delivery.objects.filter(notice=notice, status__in=["queued", "claimed"])
        while pending.exists():
            peak_rss = max(peak_rss, *(p.memory_info().rss for p in worker_processes))
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        sent = Delivery.objects.filter(notice=notice, status="sent").count()

    workers.send_signal(signal.SIGTERM)
    workers.wait(timeout=60)
    sink.send_signal(signal.SIGTERM)
    received = int(sink.communicate(timeout=30)[0].strip().splitlines()[-1])
    result_write(
        "fanout",
        {
            "subscribers": args.subscribers,
            "sent": sent,
            "received_by_sink": received,
            "mails_per_second": round(sent / elapsed, 1),
            "seconds_to_all_queued": round(queued_seconds, 3),
            "seconds_total": round(elapsed, 2),
            "peak_worker_rss_mb": round(peak_rss / 2**20, 1),
            "worker_processes": args.processes,
            "worker_threads": args.threads,
            "target_mails_per_second": 1000,
            "target_seconds_to_all_queued": 2,
            "target_worker_rss_mb": 150,
        },
    )


if __name__ == "__main__":
    main()
