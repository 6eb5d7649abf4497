"""Start Django for a benchmark on a database of its own (created, then dropped at exit).

Child processes (workers) inherit DATABASE_URL, REDIS_URL and DRAMATIQ_NAMESPACE from the
environment this sets, so they use the same throwaway database and queues.
"""

import atexit
import json
import os
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def django_start(database: str) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kairan.settings")
    os.environ["DRAMATIQ_NAMESPACE"] = f"kairan-{database}"
    from django.conf import settings

    default = settings.DATABASES["default"]
    default["NAME"] = database
    host = quote(default.get("HOST") or "", safe="")
    port = f":{default['PORT']}" if default.get("PORT") else ""
    password = f":{quote(default['PASSWORD'])}" if default.get("PASSWORD") else ""
    os.environ["DATABASE_URL"] = f"postgres://{default['USER']}{password}@{host}{port}/{database}"
    os.environ["REDIS_URL"] = settings.REDIS_URL
    import django

    django.setup()
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{database}"')

    def drop() -> None:
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    atexit.register(drop)
    from django.core.management import call_command

    call_command("setup", verbosity=0)


def result_write(name: str, figures: dict) -> None:
    """Write the figures to bench/results/<name>.json and print them as the last line."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"bench": name, **figures}, ensure_ascii=False)
    (RESULTS / f"{name}.json").write_text(line + "\n")
    print(line)
