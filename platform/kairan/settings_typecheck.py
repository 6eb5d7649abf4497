"""Settings for mypy: the django-stubs plugin imports them to learn the models and settings.

A type check must not start the embedded PostgreSQL and Redis (which the real settings do in
development when DATABASE_URL and REDIS_URL are unset), so both name servers that are never
contacted: dj-database-url and the Redis cache only parse their URLs.
"""

import os

os.environ.update(
    {
        "KAIRAN_ENV": "development",
        "DATABASE_URL": "postgres://typecheck@127.0.0.1:1/typecheck",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
)

from kairan.settings import *  # noqa: F403
