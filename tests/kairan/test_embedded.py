"""`make stop` stops the embedded PostgreSQL and Redis that `make demo` and `make test` leave
running, and says so; nothing is lost, and the next start finds the data again."""

import os
import subprocess
import sys
from pathlib import Path

import redis

from kairan import embedded


def _running(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text().split()[0]), 0)
    except (FileNotFoundError, ProcessLookupError):
        return False
    return True


def test_stop_ends_both_servers_and_a_restart_keeps_the_data(tmp_path: Path) -> None:
    embedded.postgres_ensure(tmp_path)
    url = embedded.redis_ensure(tmp_path)
    redis.Redis.from_url(url).set("kept", "1")
    assert _running(tmp_path / "pgdata" / "postmaster.pid")
    assert _running(tmp_path / "redis.pid")

    stop = subprocess.run(
        [sys.executable, "-m", "kairan.embedded", "stop"],
        env={**os.environ, "KAIRAN_STATE_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert stop.stdout.strip() == "Stopped: PostgreSQL, Redis"
    assert not _running(tmp_path / "pgdata" / "postmaster.pid")
    assert not _running(tmp_path / "redis.pid")

    again = subprocess.run(
        [sys.executable, "-m", "kairan.embedded", "stop"],
        env={**os.environ, "KAIRAN_STATE_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert again.stdout.strip() == "Stopped: nothing was running"
    assert redis.Redis.from_url(embedded.redis_ensure(tmp_path)).get("kept") == b"1"
    embedded.embedded_stop(tmp_path)
