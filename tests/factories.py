"""Builders for test data, in one place. They go through the services a user's clicks reach."""

import itertools
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django_tenants.utils import tenant_context

from billing.models import BillingAccount
from delivery.links import link_token_make
from delivery.models import Group, Subscriber
from delivery.services.groups import group_create
from delivery.services.subscriptions import subscriber_confirm, subscriber_join
from tenants.connection import connection
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


def subscribers_bulk_make(association: Association, count: int) -> None:
    """`count` active residents (住民0, resident0@example.jp, …) written straight to the table.

    Not through the services, unlike the builders above: joining ten thousand one by one would
    take minutes, and the load tests and benchmarks that want this many are about sending.
    """
    from delivery.address_crypto import address_encrypt, address_hash

    with tenant_context(association):
        rows = []
        for number in range(count):
            address = f"resident{number}@example.jp"
            key_id, ciphertext = address_encrypt(address)
            rows.append(
                Subscriber(
                    display_name=f"住民{number}",
                    email_key_id=key_id,
                    email_ciphertext=ciphertext,
                    email_hash=address_hash(address),
                    domain_class="other",
                    status=Subscriber.Status.ACTIVE,
                )
            )
        Subscriber.objects.bulk_create(rows, batch_size=2000)


def deliveries_run(association: Association) -> int:
    """Do what the worker does for every queued delivery of the association, here and now."""
    from delivery.models import Delivery
    from delivery.services.outbound import deliveries_send

    with tenant_context(association):
        ids = list(Delivery.objects.filter(status="queued").values_list("pk", flat=True))
        return deliveries_send(delivery_ids=ids) if ids else 0


# --- Subsidy -------------------------------------------------------------------------------


def city_get():
    """一関市, as the data migration creates it (recreated after a transactional flush)."""
    from subsidy.models import City

    city, _created = City.objects.get_or_create(
        name="一関市", defaults={"addressee": "一関市長", "department": "まちづくり推進課"}
    )
    return city


def program_make(fiscal_year: int = 2024, **fields):
    """The brochure's program for another fiscal year (the migration has 2022 and 2023)."""
    from datetime import date

    from subsidy.models import Program

    end = date(fiscal_year + 1, 3, 31)
    defaults = {
        "name": "自治会等ICT導入支援補助金",
        "project_name": "自治会情報共有システム導入事業",
        "rules_name": "一関市補助金交付規則",
        "rate_numerator": 2,
        "rate_denominator": 3,
        "truncation_unit": 1000,
        "cap": 50000,
        "eligible_cost_cap": 75000,
        "eligible_categories": ["setup", "usage"],
        "excluded_categories": ["equipment", "internet", "other"],
        "applications_open_on": date(fiscal_year, 4, 1),
        "applications_close_on": end,
        "window_end": end,
        "report_due_on": end,
        **fields,
    }
    program, _created = Program.objects.update_or_create(
        city=city_get(), fiscal_year=fiscal_year, defaults=defaults
    )
    return program


def clerk_make(email: str | None = None):
    """A city clerk's account (without an authenticator: see tests.subsidy.mfa)."""
    from subsidy.services.city import city_staff_add

    user = user_make(email)
    city_staff_add(user=user, city=city_get())
    return user


def application_fields(**overrides):
    from datetime import date

    from subsidy.services.applications import ApplicationFields

    values = {
        "applicant_name": "一関市竹山町自治会",
        "applicant_address": "岩手県一関市竹山町7番2号",
        "representative_title": "会長",
        "representative_name": "𠮷田 髙子",
        "phone": "0191-21-0000",
        "households": 120,
        "registrants": 80,
        "planned_start": date(2024, 6, 10),
        "planned_end": date(2025, 3, 31),
        **overrides,
    }
    return ApplicationFields(**values)


def application_make(association: Association, program=None, today=None, **overrides):
    """A draft application by the association's owner."""
    from datetime import date

    from subsidy.services.applications import application_create
    from tenants.models import Membership

    connection.set_schema_to_public()
    owner = Membership.objects.get(association=association, role="owner").user
    return application_create(
        association=association,
        user=owner,
        program=program or program_make(),
        fields=application_fields(**overrides),
        today=today or date(2024, 5, 1),
    )


def totp_code(secret: str, at: float | None = None) -> str:
    """The current code of an authenticator app for a base32 secret (RFC 6238: HMAC-SHA1,
    30-second steps, 6 digits), computed here rather than by the library under test."""
    import base64
    import hashlib
    import hmac
    import struct
    import time

    counter = int((time.time() if at is None else at) // 30)
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


CLERK_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def clerk_client(user: User, password: str = "pass-word-1234"):
    """A clerk signed in on the public host through the real forms: password, then a TOTP
    code from an authenticator activated with a known secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.conf import settings
    from django.test import Client

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, CLERK_TOTP_SECRET)
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"].startswith("/accounts/2fa/authenticate/"), response["Location"]
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(CLERK_TOTP_SECRET)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def owner_totp_enrol(client, password: str, next_path: str = "/staff/") -> str:
    """A new owner on their association's host does what the staff pages ask of them: set up
    an authenticator app (allauth first asks for the password again), then enter a code for
    this session. Returns the app's secret. Needs settings.MFA_TOTP_TOLERANCE = 1: the second
    code is the next one, instead of a 30-second wait for a fresh one."""
    response = client.get(next_path)
    assert response["Location"] == "/accounts/2fa/totp/activate/", response.get("Location")
    response = client.get(response["Location"])
    assert response["Location"].startswith("/accounts/reauthenticate/"), response["Location"]
    response = client.post(response["Location"], {"password": password})
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get(response["Location"]).status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:1000]
    response = client.get(next_path)
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/")
    import time

    response = client.post(response["Location"], {"code": totp_code(secret, time.time() + 30)})
    assert response["Location"] == next_path, response.get("Location")
    return secret


# --- Billing -------------------------------------------------------------------------------


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
