"""Provisioning an association: cloning the template schema versus migrating a new one.

Prints one JSON line: milliseconds per association (p50, p95) for each way, and the ratio.
Target (issue #2): cloning ≤ 500 ms p50 on a 2-core machine and ≥ 10× faster than migrating.
"""

import argparse
import statistics
import time

from _django import django_start, result_write


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clones", type=int, default=30)
    parser.add_argument("--migrations", type=int, default=3)
    args = parser.parse_args()
    django_start("kairan_bench_provision")

    from django.test import override_settings

    from tenants.models import User
    from tenants.services import association_provision

    owner = User.objects.create_user("bench@example.org", "bench-password")

    def provision(prefix: str, count: int) -> list[float]:
        timings = []
        for number in range(count):
            started = time.perf_counter()
            association_provision(
                owner=owner,
                name=f"{prefix}{number}",
                representative="会長",
                address="一関市",
                slug=f"{prefix}{number}",
            )
            timings.append((time.perf_counter() - started) * 1000)
        return timings

    provision("warm", 1)  # first use loads the migration graph and the clone function
    cloned = provision("clone", args.clones)
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False, TENANT_BASE_SCHEMA=None):
        migrated = provision("migrate", args.migrations)

    clone_p50 = statistics.median(cloned)
    migrate_p50 = statistics.median(migrated)
    result_write(
        "provision",
        {
            "clone_ms_p50": round(clone_p50, 1),
            "clone_ms_p95": round(statistics.quantiles(cloned, n=20)[-1], 1),
            "migrate_ms_p50": round(migrate_p50, 1),
            "clone_speedup": round(migrate_p50 / clone_p50, 1),
            "clones": args.clones,
            "migrations": args.migrations,
            "target_clone_ms_p50": 500,
            "target_speedup": 10,
        },
    )


if __name__ == "__main__":
    main()
