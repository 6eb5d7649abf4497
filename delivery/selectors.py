"""Reads of one association's delivery data. Nothing here returns an address."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from delivery.audience import Audience
from delivery.models import Delivery, Group, Notice, Subscriber


def audience_subscribers(*, audience: Audience) -> QuerySet[Subscriber]:
    """Active email subscribers a notice for this audience reaches, each once."""
    active = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE, kind=Subscriber.Kind.EMAIL)
    if audience.everyone:
        return active
    in_groups = Subscriber.groups.through.objects.filter(
        subscriber=OuterRef("pk"), group_id__in=audience.group_ids
    )
    return active.filter(Exists(in_groups) | Q(pk__in=audience.individual_ids))


def notice_audience(notice: Notice) -> Audience:
    return Audience(
        everyone=notice.to_everyone,
        group_ids=tuple(notice.groups.values_list("pk", flat=True)),
        individual_ids=tuple(notice.individuals.values_list("pk", flat=True)),
    )


def group_list() -> QuerySet[Group]:
    """Groups with their number of active subscribers, as `active_count`."""
    return Group.objects.annotate(
        active_count=Count("subscribers", filter=Q(subscribers__status=Subscriber.Status.ACTIVE))
    ).order_by("position", "name")  # Meta.ordering does not apply to GROUP BY queries


def subscriber_list() -> QuerySet[Subscriber]:
    return Subscriber.objects.prefetch_related("groups").only(
        "id", "kind", "display_name", "status", "created_at", "confirmed_at"
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


def notice_recipients(notice: Notice) -> QuerySet[Delivery]:
    """Per-recipient delivery status of a notice, by display name."""
    return (
        notice.deliveries.select_related("subscriber")
        .only("status", "sent_at", "subscriber__display_name")
        .order_by("subscriber__display_name")
    )


def paper_count(notice: Notice) -> int:
    from delivery.paper import paper_rounds

    return sum(len(r.households) for r in paper_rounds(notice))
