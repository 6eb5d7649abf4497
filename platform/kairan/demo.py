"""The sample association that `make demo` serves: 一関市サンプル自治会, as in the brochure."""

import time
from dataclasses import dataclass
from datetime import date

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django_tenants.utils import tenant_context

from delivery.links import link_token_make
from delivery.models import Group, Subscriber
from delivery.services.groups import group_create
from delivery.services.subscriptions import subscriber_confirm, subscriber_join
from kairan.wareki import fiscal_year_label, fiscal_year_of
from subsidy import clock
from subsidy.models import City, Program
from subsidy.services.city import city_staff_add
from tenants.models import Association, User
from tenants.services import association_provision

DEMO_SLUG = "sample"
DEMO_STAFF_EMAIL = "staff@sample.example.jp"
# The city's clerk (the /city/ portal) and the platform's operator (/admin/); same password.
DEMO_CLERK_EMAIL = "clerk@city.example.jp"
DEMO_OPERATOR_EMAIL = "operator@kairan.example"
DEMO_STAFF_PASSWORD = "kairan-demo"  # noqa: S105 (printed by `make demo` on purpose)
# Owners, clerks and the operator need an authenticator app (tenants.permissions). The demo
# accounts share one with this well-known secret, printed by `make demo` for a person to add
# to their own app; or `kairan demo_code` prints the current code. A demo secret, not a secret.
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
    clerk_email: str
    operator_email: str
    program: Program


def demo_seed() -> DemoInfo:
    """Create the sample association, its staff login, groups and residents, the city's clerk,
    this fiscal year's subsidy program and the operator; safe to repeat."""
    association = Association.objects.filter(slug=DEMO_SLUG).first()
    if association is None:
        association = association_provision(
            owner=_account(DEMO_STAFF_EMAIL),
            name="一関市サンプル自治会",
            representative="会長 一関 太郎",
            address="岩手県一関市竹山町7番2号",
            slug=DEMO_SLUG,
        )
    program = _program_this_year()
    city_staff_add(user=_account(DEMO_CLERK_EMAIL), city=program.city)
    operator = _account(DEMO_OPERATOR_EMAIL)
    if not operator.is_superuser:
        operator.is_staff = operator.is_superuser = True
        operator.save(update_fields=["is_staff", "is_superuser"])
    with tenant_context(association):
        for name, self_selectable in DEMO_GROUPS:
            if not Group.objects.filter(name=name).exists():
                group_create(name=name, self_selectable=self_selectable)
        for display_name, address, group_names in DEMO_RESIDENTS:
            _resident_add(display_name, address, group_names)
    return DemoInfo(
        association,
        DEMO_STAFF_EMAIL,
        DEMO_STAFF_PASSWORD,
        DEMO_TOTP_SECRET,
        DEMO_CLERK_EMAIL,
        DEMO_OPERATOR_EMAIL,
        program,
    )


def _account(email: str) -> User:
    """A verified login with the demo password and the demo authenticator."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_STAFF_PASSWORD)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def _program_this_year() -> Program:
    """一関市's program for the current fiscal year, so that the subsidy can be tried today.

    The brochure's editions (a migration) end with 令和5年度; the operator adds each later
    year in the admin. The demo does it for them with the latest edition's rules.
    """
    city = City.objects.get(name="一関市")
    fiscal_year = fiscal_year_of(clock.today())
    program = Program.objects.filter(city=city, fiscal_year=fiscal_year).first()
    if program is not None:
        return program
    program = Program.objects.filter(city=city).order_by("-fiscal_year").first()
    assert program is not None, "the brochure's programs come from subsidy's migrations"
    rules_from = fiscal_year_label(program.fiscal_year)
    program.pk, program.fiscal_year = None, fiscal_year
    program.applications_open_on = date(fiscal_year, 4, 1)
    program.applications_close_on = program.window_end = program.report_due_on = date(
        fiscal_year + 1, 3, 31
    )
    program.edition = f"デモ用：{rules_from}と同じ規則"
    program.save(force_insert=True)
    return program


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
