"""Writing notices and sending them to their audience."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from delivery.models import Delivery, Group, Notice
from delivery.selectors import audience_subscribers
from delivery.services.outbound import deliveries_enqueue, delivery_fields
from tenants.models import User


def notice_send_now(
    *, author: User, subject: str, body: str, to_everyone: bool, group_ids: list[int]
) -> Notice:
    """Write a notice and one delivery per recipient, then queue them; all or nothing."""
    groups = list(Group.objects.filter(pk__in=group_ids))
    if not to_everyone and not groups:
        raise ValidationError(_("宛先を選んでください（全員、またはグループ）。"))
    with transaction.atomic():
        notice = Notice.objects.create(
            subject=subject.strip(),
            body=body,
            to_everyone=to_everyone,
            author_id=author.pk,
            author_name=author.get_full_name() or author.email,
        )
        notice.groups.set(groups)
        recipients = list(
            audience_subscribers(to_everyone=to_everyone, groups=groups).only("pk", "domain_class")
        )
        if not recipients:
            # Raising inside the block rolls the notice back: nothing half-written.
            raise ValidationError(_("選んだ宛先には、配信を受け取る登録者がいません。"))
        deliveries = Delivery.objects.bulk_create(
            Delivery(
                kind=Delivery.Kind.NOTICE,
                notice=notice,
                subscriber=subscriber,
                **delivery_fields(subscriber=subscriber),
            )
            for subscriber in recipients
        )
        notice.recipient_count = len(deliveries)
        notice.save(update_fields=["recipient_count"])
        deliveries_enqueue(deliveries)
    return notice
