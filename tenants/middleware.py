"""Per-request tenant routing with the host-name look-up cached per process."""

from django.core.cache import caches
from django.db.models import Model
from django_tenants.middleware.main import TenantMainMiddleware


class CachedTenantMiddleware(TenantMainMiddleware):
    """django-tenants' middleware, minus one query per request.

    Entries live for TENANT_CACHE_SECONDS, so a suspended or renamed association is seen by
    every web process within that time. Unknown hosts are not cached (they raise).
    """

    def get_tenant(self, domain_model: type[Model], hostname: str) -> Model:
        cache = caches["tenant_lookup"]
        tenant = cache.get(hostname)
        if tenant is None:
            tenant = super().get_tenant(domain_model, hostname)
            cache.set(hostname, tenant)
        return tenant
