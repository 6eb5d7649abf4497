"""Builders for test data, in one place. They go through the services a user's clicks reach."""

import itertools
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db import connection
from django_tenants.utils import tenant_context

from billing.models import BillingAccount
from delivery.links import link_token_make
from delivery.models import Group, Subscriber
from delivery.services.groups import group_create
from delivery.services.subscriptions import subscriber_confirm, subscriber_join
from tenants.models import Association, User
from tenants.services import association_provision

_numbers = itertools.count(1)


def user_make(email: str | None = None, password: str = "pass-word-1234") -> User:
    """A staff account with a verified address, as after allauth's e-mail confirmation."""
    email = email or f"staff{next(_numbers)}@example.org"
    user = User.objects.create_user(email, password)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def association_make(
    slug: str | None = None, owner: User | None = None, **fields: str
) -> Association:
    slug = slug or f"assoc{next(_numbers)}"
    connection.set_schema_to_public()  # a client request may have left another schema set
    return association_provision(
        owner=owner or user_make(),
        name=fields.get("name", f"{slug} 自治会"),
        representative=fields.get("representative", "会長 山田太郎"),
        address=fields.get("address", "岩手県一関市"),
        slug=slug,
    )


def group_make(association: Association, name: str, self_selectable: bool = True) -> Group:
    with tenant_context(association):
        return group_create(name=name, self_selectable=self_selectable)


def subscriber_make(
    association: Association, display_name: str, address: str, groups: list[Group] = ()
) -> Subscriber:
    """An active subscriber, joined and confirmed through the services."""
    with tenant_context(association):
        subscriber_join(address=address, display_name=display_name, group_ids=[])
        subscriber = Subscriber.objects.get(display_name=display_name, status="pending")
        token = link_token_make(
            purpose="confirm", subscriber_id=subscriber.pk, nonce=subscriber.confirm_nonce
        )
        subscriber = subscriber_confirm(token=token)
        subscriber.groups.set(groups)
        assert connection.schema_name == association.schema_name
        return subscriber


def deliveries_run(association: Association) -> int:
    """Do what the worker does for every queued delivery of the association, here and now."""
    from delivery.models import Delivery
    from delivery.services.outbound import deliveries_send

    with tenant_context(association):
        ids = list(Delivery.objects.filter(status="queued").values_list("pk", flat=True))
        return deliveries_send(delivery_ids=ids) if ids else 0


def billing_account_make(association: Association, signed_up: date) -> BillingAccount:
    """The association's billing account as if it had signed up on `signed_up` (Japan time)."""
    from billing.services.accounts import account_ensure

    noon = datetime.combine(signed_up, time(12), ZoneInfo("Asia/Tokyo"))
    Association.objects.filter(pk=association.pk).update(created_at=noon)
    association.refresh_from_db()
    return account_ensure(association=association)


def mails_record(association: Association, count: int, on: date, prefix: str = "m") -> int:
    """`count` mails accepted on a day, through the metering hook the delivery code calls."""
    from billing.services import usage_record_many

    at = datetime.combine(on, time(10), ZoneInfo("Asia/Tokyo"))
    keys = [f"{prefix}-{on.isoformat()}-{n}" for n in range(count)]
    return usage_record_many(association=association, kind="mail", keys=keys, occurred_at=at)
