"""Reads of the tenants app."""

from django.conf import settings
from django.db.models import QuerySet

from tenants.models import Association, Membership, StaffAction, User


def site_url(host: str, path: str = "/") -> str:
    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    return f"{settings.SITE_SCHEME}://{host}{port}{path}"


def public_url(path: str = "/") -> str:
    return site_url(settings.BASE_DOMAIN, path)


def association_url(association: Association, path: str = "/") -> str:
    return site_url(f"{association.slug}.{settings.BASE_DOMAIN}", path)


def membership_list(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, association__is_template=False)
        .select_related("association")
        .order_by("association__name")
    )


def membership_get(*, user: User, association: Association) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, association=association).first()


def staff_action_list(*, association: Association, limit: int = 200) -> QuerySet[StaffAction]:
    """The association's staff audit log, newest first."""
    return StaffAction.objects.filter(association=association).order_by("-at", "-pk")[:limit]
