"""The request as Kairan's middleware and view decorators leave it, for type checking.

At run time every request is Django's HttpRequest; these subclasses only tell mypy what is
already set on it: django-tenants' middleware sets `tenant` on every request, login_required
guarantees a signed-in `user`, and staff_required adds the member's `membership`. A view
annotates its request with the class that its decorators make true.
"""

from django.http import HttpRequest

from tenants.models import Association, Membership, User


class AuthenticatedRequest(HttpRequest):
    user: User  # login_required: never AnonymousUser


class TenantRequest(HttpRequest):
    tenant: Association  # tenants.middleware.CachedTenantMiddleware


class StaffRequest(TenantRequest):
    user: User
    membership: Membership  # tenants.permissions.staff_required
