"""Reads of one association's delivery data. Nothing here returns an address."""

from collections.abc import Sequence

from django.db.models import Count, Q, QuerySet

from delivery.models import Delivery, Group, Notice, Subscriber


def audience_subscribers(*, to_everyone: bool, groups: Sequence[Group]) -> QuerySet[Subscriber]:
    """Active subscribers who receive a notice for everyone or for any of these groups."""
    active = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE)
    if to_everyone:
        return active
    return active.filter(groups__in=groups).distinct()


def group_list() -> QuerySet[Group]:
    """Groups with their number of active subscribers, as `active_count`."""
    return Group.objects.annotate(
        active_count=Count("subscribers", filter=Q(subscribers__status=Subscriber.Status.ACTIVE))
    ).order_by("position", "name")  # Meta.ordering does not apply to GROUP BY queries


def subscriber_list() -> QuerySet[Subscriber]:
    return Subscriber.objects.prefetch_related("groups").only(
        "id", "display_name", "status", "created_at", "confirmed_at"
    )


def subscriber_counts() -> dict[str, int]:
    rows = Subscriber.objects.values_list("status").annotate(n=Count("id"))
    return {status: n for status, n in rows}


def notice_list() -> QuerySet[Notice]:
    return Notice.objects.prefetch_related("groups")


def notice_delivery_counts(notice: Notice) -> dict[str, int]:
    rows = notice.deliveries.values_list("status").annotate(n=Count("id"))
    counts = {status: 0 for status in Delivery.Status.values}
    counts.update({status: n for status, n in rows})
    return counts
