"""Settings for the test suite: the real settings read from a test environment.

The database and Redis are the same servers as in development (or those that DATABASE_URL
and REDIS_URL name); the queue and cache namespaces keep tests apart from a running demo.
"""

import os

os.environ.update(
    {
        "BASE_DOMAIN": "kairan.test",
        "SITE_SCHEME": "http",
        "SITE_PORT": "0",
        "DRAMATIQ_NAMESPACE": "kairan-test",
    }
)

from kairan.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAIL_CATCHER_DIR = None


def _redis_db(url: str, db: int) -> str:
    """The same Redis server, another numbered database: clearing the tests' cache (a
    FLUSHDB) must not empty the queues of a demo that shares the server."""
    base, _, query = url.partition("?")
    params = [p for p in query.split("&") if p and not p.startswith("db=")]
    if base.startswith("unix://"):
        params.append(f"db={db}")
    else:
        scheme, _, rest = base.partition("://")
        base = f"{scheme}://{rest.split('/')[0]}/{db}"
    return base + ("?" + "&".join(params) if params else "")


CACHES["default"]["LOCATION"] = _redis_db(REDIS_URL, 15)  # noqa: F405

# Two test runs on one server (a developer's and a helper's) need two test databases.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("KAIRAN_TEST_DATABASE", "test_kairan")}  # noqa: F405
