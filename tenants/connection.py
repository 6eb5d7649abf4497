"""Django's default connection as django-tenants extends it, typed.

django-tenants (which ships no types) swaps in a PostgreSQL backend whose connection knows the
current schema and association; django-stubs knows only Django's own wrapper. Code that reads
or switches the schema imports `connection` from here: the very same object as
`django.db.connection`, with those attributes declared for mypy.
"""

from typing import TYPE_CHECKING, cast

from django.db import connection as _connection
from django.db.backends.base.base import BaseDatabaseWrapper

if TYPE_CHECKING:
    from tenants.models import Association


class TenantDatabaseWrapper(BaseDatabaseWrapper):
    """What django_tenants.postgresql_backend.base.DatabaseWrapper adds (types only)."""

    schema_name: str
    # The association of tenant_context; schema_context leaves a stand-in with only a
    # schema_name, so read this only inside tenant_context.
    tenant: "Association"
    pg_version: int

    def set_tenant(self, tenant: "Association", include_public: bool = True) -> None: ...

    def set_schema(self, schema_name: str, include_public: bool = True) -> None: ...

    def set_schema_to_public(self) -> None: ...


connection = cast(TenantDatabaseWrapper, _connection)
