"""How far one database goes: 1 association versus 1,000, on a real HTTP server.

1. Provision one association by cloning the template, serve it with gunicorn (a separate
   process, production settings: DEBUG off) and load two pages with wrk (another process):
   the residents' page `/` and the staff home `/staff/` (a signed-in owner's session, second
   factor recorded). Every association has the same rows: they are put into the template
   before cloning, and cloning copies them (the real provisioning path, timed as well).
2. Provision 999 more, restart the server, and load the same two pages again, each request to
   the next of the 1,000 associations' hosts in turn (tenant look-up, search_path switch and
   PostgreSQL's per-schema catalogue caches all on the path).
3. `migrate_schemas --executor=multiprocessing` across the 1,000 schemas (nothing to migrate:
   the time every deployment pays) with django-tenants' parallel executor.

Prints one JSON line. Targets (issue #7): p95 ≤ 50 ms and throughput(1,000) / throughput(1)
≥ 0.95 for each page.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _django import ROOT, django_start, result_write

OWNER = "bench@example.org"

WRK_SCRIPT = """
local hosts = {}
for line in io.lines(os.getenv("BENCH_HOSTS")) do hosts[#hosts + 1] = line end
local path, cookie = os.getenv("BENCH_PATH"), os.getenv("BENCH_COOKIE")
local n = 0
request = function()
  n = n + 1
  -- A new connection per request: gunicorn's processes take turns accepting, so the load is
  -- shared between them; kept-alive connections may all land on one process and halve it.
  local headers = {["Host"] = hosts[(n % #hosts) + 1], ["Connection"] = "close"}
  if cookie ~= "" then headers["Cookie"] = cookie end
  return wrk.format("GET", path, headers)
end
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, '
    .. '"errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout))
end
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _template_fill() -> None:
    """The rows every association will have: groups, residents, notices (the template is
    empty in real life; here cloning copies these into each new association)."""
    from django.conf import settings
    from django_tenants.utils import schema_context

    from delivery.address_crypto import address_encrypt, address_hash
    from delivery.models import Group, Notice, Subscriber

    with schema_context(settings.TENANT_BASE_SCHEMA):
        groups = [
            Group.objects.create(name=name, position=n)
            for n, name in enumerate(["1班", "2班", "役員", "子ども会"])
        ]
        for number in range(40):
            address = f"resident{number}@example.jp"
            key_id, ciphertext = address_encrypt(address)
            subscriber = Subscriber.objects.create(
                display_name=f"住民{number}",
                email_key_id=key_id,
                email_ciphertext=ciphertext,
                email_hash=address_hash(address),
                domain_class="other",
                status=Subscriber.Status.ACTIVE,
            )
            subscriber.groups.add(groups[number % 4])
        for number in range(12):
            Notice.objects.create(subject=f"回覧 {number}", body="本文", status="sent")


def _provision_range(numbers: range) -> list[tuple[int, float]]:
    """Provision associations a<number>, each as one sign-up: milliseconds for each."""
    from django.db import connection

    from tenants.models import User
    from tenants.services import association_provision

    owner = User.objects.get(email=OWNER)
    timings = []
    for number in numbers:
        started = time.perf_counter()
        association_provision(
            owner=owner,
            name=f"ベンチ自治会{number}",
            representative="会長",
            address="一関市",
            slug=f"a{number:04d}",
        )
        timings.append((number, (time.perf_counter() - started) * 1000))
        # A web process keeps its connection for CONN_MAX_AGE (60 s) at most. One PostgreSQL
        # backend that clones schema after schema slows down with each (measured: 0.3 s at the
        # 12th, 3.8 s at the 100th), so each sign-up here gets a fresh connection, as a
        # sign-up in a web process practically does.
        connection.close()
    return timings


def _provision(first: int, last: int, processes: int) -> list[tuple[int, float]]:
    """Provision in `processes` forked processes at once (sign-ups arrive in parallel)."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    numbers = range(first, last + 1)
    slices = [numbers[i::processes] for i in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.map(_provision_range, slices)
    return sorted(timing for result in results for timing in result)


def _session_cookie(user) -> str:
    """A signed-in owner's session, second factor passed, as the browser would hold it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from tenants.permissions import session_mfa_record

    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.session[SESSION_KEY] = str(user.pk)
    request.session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session_mfa_record(request, user, type="totp")
    request.session.save()
    return f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}"


class Server:
    """gunicorn as in the container image (gthread), on a free port, logs discarded."""

    def __init__(self, workers: int, threads: int) -> None:
        self.port = _free_port()
        environment = {**os.environ, "DEBUG": "false", "LOG_LEVEL": "WARNING"}
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "kairan.wsgi",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                "--threads", str(threads), "--worker-class", "gthread",
            ],
            env=environment, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def _load(port: int, hosts: list[str], path: str, cookie: str, seconds: int, connections: int):
    """wrk against the server: requests spread over `hosts` in turn."""
    with tempfile.TemporaryDirectory() as folder:
        script, host_file = Path(folder) / "bench.lua", Path(folder) / "hosts"
        script.write_text(WRK_SCRIPT)
        host_file.write_text("\n".join(hosts) + "\n")
        environment = {
            **os.environ,
            "BENCH_HOSTS": str(host_file),
            "BENCH_PATH": path,
            "BENCH_COOKIE": cookie,
        }
        result = subprocess.run(
            [
                shutil.which("wrk") or "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
                "--timeout", "5s",
                "-s", str(script), f"http://127.0.0.1:{port}/",
            ],
            env=environment, capture_output=True, text=True, check=True,
        )  # fmt: skip
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["per_second"] = round(figures["requests"] / figures["seconds"], 1)
    return figures


def _quiesce() -> None:
    """Let PostgreSQL finish what provisioning left it (dirty pages, autovacuum of the
    catalogue), so that neither phase is measured against background work of the other."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        for _ in range(300):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
            )
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(1)
    connection.close()


def _pages(hosts: list[str], cookie: str, args: argparse.Namespace) -> dict[str, dict]:
    """Both pages over all hosts: a warm-up pass (every host once), then the measured run."""
    import urllib.request

    server = Server(args.workers, args.threads)
    try:
        for host in hosts:  # each process's host cache and PostgreSQL's catalogue, warmed
            for path in ("/", "/staff/"):
                request = urllib.request.Request(
                    f"http://127.0.0.1:{server.port}{path}",
                    headers={"Host": host, "Cookie": cookie},
                )
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    assert response.status == 200, (host, path, response.status)
        results = {}
        for name, path, page_cookie in (("residents", "/", ""), ("staff", "/staff/", cookie)):
            _load(server.port, hosts, path, page_cookie, 3, args.connections)  # warm-up
            runs = [
                _load(server.port, hosts, path, page_cookie, args.seconds, args.connections)
                for _ in range(args.runs)
            ]
            assert all(run["errors"] == 0 for run in runs), runs
            results[name] = {
                "p95_ms": statistics.median(run["p95_ms"] for run in runs),
                "per_second": statistics.median(run["per_second"] for run in runs),
            }
        return results
    finally:
        server.stop()


def _migrate_schemas(processes: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable, "-m", "kairan.cli", "migrate_schemas",
            "--executor=multiprocessing", "--noinput", "-v", "0",
        ],
        env={**os.environ, "MIGRATION_PROCESSES": str(processes)},
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--associations", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3, help="measured runs per page (median)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--provision-processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs it (Debian package wrk) when run as root")
    django_start("kairan_bench_scale")
    from django.conf import settings

    from tenants.models import Membership, User

    owner = User.objects.create_user(OWNER, "bench-password")
    _template_fill()
    _provision_range(range(1, 2))
    cookie = _session_cookie(owner)
    host = f"a0001.{settings.BASE_DOMAIN}"
    _quiesce()
    one = _pages([host], cookie, args)

    started = time.perf_counter()
    provisioned = _provision(2, args.associations, args.provision_processes)
    provision_seconds = time.perf_counter() - started
    timings = [ms for _number, ms in provisioned]
    last_hundred = [ms for number, ms in provisioned if number > args.associations - 100]
    assert Membership.objects.filter(user=owner).count() == args.associations
    hosts = [f"a{n:04d}.{settings.BASE_DOMAIN}" for n in range(1, args.associations + 1)]
    _quiesce()
    many = _pages(hosts, cookie, args)
    migrate_seconds = _migrate_schemas(processes=2)

    figures = {"associations": args.associations}
    for page in ("residents", "staff"):
        figures[f"{page}_p95_ms_1"] = one[page]["p95_ms"]
        figures[f"{page}_p95_ms_{args.associations}"] = many[page]["p95_ms"]
        figures[f"{page}_rps_1"] = one[page]["per_second"]
        figures[f"{page}_rps_{args.associations}"] = many[page]["per_second"]
        figures[f"{page}_throughput_ratio"] = round(
            many[page]["per_second"] / one[page]["per_second"], 3
        )
    figures.update(
        {
            "clone_ms_p50": round(statistics.median(timings), 1) if timings else None,
            "clone_ms_p50_last_100": round(statistics.median(last_hundred), 1)
            if last_hundred
            else None,
            "provision_processes": args.provision_processes,
            "clone_ms_p95": round(statistics.quantiles(timings, n=20)[-1], 1)
            if len(timings) > 1
            else None,
            "provision_seconds": round(provision_seconds, 1),
            "migrate_schemas_seconds": round(migrate_seconds, 1),
            "migrate_schemas_processes": 2,
            "http": f"gunicorn {args.workers}x{args.threads} gthread; wrk 1 thread, "
            f"{args.connections} connections, median of {args.runs} runs of {args.seconds} s",
            "target_p95_ms": 50,
            "target_throughput_ratio": 0.95,
        }
    )
    result_write("scale", figures)


if __name__ == "__main__":
    main()
