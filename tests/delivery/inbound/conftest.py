"""The inbound toolkit is pure: its tests need neither the database nor Redis.

The suite's autouse fixtures reset the connection's schema and clear the Redis caches before
every test; these tests touch neither, so they are replaced here by fixtures that do nothing.
"""

import pytest


@pytest.fixture(autouse=True)
def _public_schema_first() -> None:
    return None


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    return None
