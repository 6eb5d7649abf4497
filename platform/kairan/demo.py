"""The sample association that `make demo` serves: 一関市サンプル自治会, as in the brochure."""

import time
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django_tenants.utils import tenant_context

from delivery.links import link_token_make
from delivery.models import Group, Subscriber
from delivery.services.groups import group_create
from delivery.services.subscriptions import subscriber_confirm, subscriber_join
from tenants.models import Association, User
from tenants.services import association_provision

DEMO_SLUG = "sample"
DEMO_STAFF_EMAIL = "staff@sample.example.jp"
DEMO_STAFF_PASSWORD = "kairan-demo"  # noqa: S105 (printed by `make demo` on purpose)
# Owners need an authenticator app (tenants.permissions). The demo owner has one with this
# well-known secret, printed by `make demo` for a person to add to their own app; or
# `kairan demo_code` prints the current code. A demo secret, not a secret.
DEMO_TOTP_SECRET = "KAIRANDEMOSAMPLESTAFFTOTPSECRET2"  # noqa: S105
# Groups from the brochure; 役員 is managed by staff, the others residents choose themselves.
DEMO_GROUPS = [("1班", True), ("2班", True), ("役員", False), ("子ども会", True)]
# Residents from the brochure's example screen, with the groups they belong to.
DEMO_RESIDENTS = [
    ("佐藤Ａ子", "sato.a@example.jp", ["1班", "子ども会"]),
    ("鈴木Ｂ男", "suzuki.b@example.jp", ["1班"]),
    ("山田Ｃ美", "yamada.c@example.jp", ["2班"]),
]


@dataclass(frozen=True)
class DemoInfo:
    association: Association
    staff_email: str
    staff_password: str
    totp_secret: str


def demo_seed() -> DemoInfo:
    """Create the sample association, its staff login, groups and residents; safe to repeat."""
    association = Association.objects.filter(slug=DEMO_SLUG).first()
    if association is None:
        staff = User.objects.filter(email=DEMO_STAFF_EMAIL).first()
        if staff is None:
            staff = User.objects.create_user(DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD)
            EmailAddress.objects.create(
                user=staff, email=DEMO_STAFF_EMAIL, verified=True, primary=True
            )
        association = association_provision(
            owner=staff,
            name="一関市サンプル自治会",
            representative="会長 一関 太郎",
            address="岩手県一関市竹山町7番2号",
            slug=DEMO_SLUG,
        )
    staff = User.objects.get(email=DEMO_STAFF_EMAIL)
    if not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(staff, DEMO_TOTP_SECRET)
    with tenant_context(association):
        for name, self_selectable in DEMO_GROUPS:
            if not Group.objects.filter(name=name).exists():
                group_create(name=name, self_selectable=self_selectable)
        for display_name, address, group_names in DEMO_RESIDENTS:
            _resident_add(display_name, address, group_names)
    return DemoInfo(association, DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, DEMO_TOTP_SECRET)


def demo_code(at: float | None = None) -> str:
    """The demo owner's current authenticator code (RFC 6238, as allauth checks it)."""
    counter = int((time.time() if at is None else at) // 30)
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))


def _resident_add(display_name: str, address: str, group_names: list[str]) -> None:
    """Join and confirm through the same services a resident's clicks reach."""
    groups = list(Group.objects.filter(name__in=group_names))
    subscriber_join(address=address, display_name=display_name, group_ids=[g.pk for g in groups])
    subscriber = Subscriber.objects.filter(display_name=display_name).first()
    if subscriber is None or subscriber.status != Subscriber.Status.PENDING:
        return
    token = link_token_make(
        purpose="confirm", subscriber_id=subscriber.pk, nonce=subscriber.confirm_nonce
    )
    subscriber_confirm(token=token)
    # Staff-managed groups (役員) are set by staff, not by the join form.
    subscriber.groups.add(*groups)
