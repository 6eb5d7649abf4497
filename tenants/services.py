"""Writes of the tenants app: the platform's own rows, provisioning, staff entry."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sites.models import Site
from django.core import signing
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kairan.logs import address_scrub
from tenants.actors import actor_current
from tenants.models import Association, Domain, Membership, StaffAction, User
from tenants.slugs import schema_name_for, slug_normalize, slug_problem

_ENTRY_SALT = "kairan.staff-entry"
ENTRY_SECONDS = 120


def platform_bootstrap() -> None:
    """Create the public site's row and host and the template schema; safe to run again."""
    public, _created = Association.objects.get_or_create(
        schema_name=settings.PUBLIC_SCHEMA_NAME, defaults={"name": "Kairan"}
    )
    Domain.objects.get_or_create(
        domain=settings.BASE_DOMAIN, defaults={"tenant": public, "is_primary": True}
    )
    Site.objects.update_or_create(
        id=settings.SITE_ID, defaults={"domain": settings.BASE_DOMAIN, "name": "Kairan"}
    )
    # Its own row is what makes `migrate_schemas` keep the template current; without it new
    # associations would be cloned from a stale schema with the missing migrations faked.
    if not Association.objects.filter(schema_name=settings.TENANT_BASE_SCHEMA).exists():
        Association(
            schema_name=settings.TENANT_BASE_SCHEMA, name="(template)", is_template=True
        ).save(verbosity=0)


def association_provision(
    *, owner: User, name: str, representative: str, address: str, slug: str
) -> Association:
    """Create an association: its row, a schema cloned from the template, its host, its owner.

    All of it happens in one transaction (PostgreSQL DDL is transactional), so a failure
    leaves neither a row nor a schema behind.
    """
    slug = slug_normalize(slug)
    problem = slug_problem(slug)
    if problem:
        raise ValidationError({"slug": problem})
    taken = ValidationError({"slug": _("このサブドメインはすでに使われています。")})
    if Association.objects.filter(slug__iexact=slug).exists():
        raise taken
    try:
        with transaction.atomic():
            association = Association(
                schema_name=schema_name_for(slug),
                slug=slug,
                name=name.strip(),
                representative=representative.strip(),
                address=address.strip(),
            )
            association.save(verbosity=0)
            Domain.objects.create(
                domain=f"{slug}.{settings.BASE_DOMAIN}", tenant=association, is_primary=True
            )
            Membership.objects.create(
                user=owner, association=association, role=Membership.Role.OWNER
            )
    except IntegrityError as error:
        # Someone else took the slug between the check and the insert.
        raise taken from error
    return association


@dataclass(frozen=True)
class StaffEntry:
    user: User
    # The public-host session that made the link had passed a second factor.
    mfa: bool


def staff_entry_token(*, user: User, association: Association, mfa: bool = False) -> str:
    """A one-time link token that signs a staff member in on the association's host.

    Session cookies are host-only, so moving from the public host to an association's host
    needs a fresh sign-in there; this token carries it for a short time, once. `mfa` carries
    whether the session that made it had passed a second factor: the link can then satisfy
    the owners' second-factor gate, and only then (the token is signed, so it cannot be
    changed on the way).
    """
    payload = {"u": user.pk, "a": association.pk, "n": secrets.token_urlsafe(12), "m": mfa}
    return signing.dumps(payload, salt=_ENTRY_SALT)


def staff_entry_redeem(*, token: str, association: Association) -> StaffEntry:
    """Who a staff-entry token was made for; raises PermissionError if it is not valid."""
    try:
        payload = signing.loads(token, salt=_ENTRY_SALT, max_age=ENTRY_SECONDS)
    except signing.SignatureExpired as error:
        raise PermissionError(_("このリンクの有効期限が切れています。")) from error
    except signing.BadSignature as error:
        raise PermissionError(_("このリンクは正しくありません。")) from error
    if payload["a"] != association.pk:
        raise PermissionError(_("このリンクは正しくありません。"))
    # cache.add is atomic in Redis: the second use of the same token finds the key.
    if not caches["default"].add(f"staff-entry:{payload['n']}", 1, ENTRY_SECONDS):
        raise PermissionError(_("このリンクはすでに使われています。"))
    membership = (
        Membership.objects.select_related("user")
        .filter(user_id=payload["u"], association=association, user__is_active=True)
        .first()
    )
    if membership is None:
        raise PermissionError(_("この自治会の担当者として登録されていません。"))
    return StaffEntry(user=membership.user, mfa=payload.get("m") is True)


def staff_action_record(
    *, action: StaffAction.Action, target: str = "", target_id: object = ""
) -> StaffAction | None:
    """Add to the staff audit log what the staff member behind this request just did.

    Called by the write services, inside their transaction, so the record stands or falls
    with the change. Outside a staff request (workers, the scheduler, commands) nobody on the
    staff is acting and nothing is recorded. `target` is a name (a notice's subject, a
    group's name); any address in it is replaced before it is stored.
    """
    actor = actor_current()
    if actor is None:
        return None
    role = (
        Membership.objects.filter(user=actor.user, association=actor.association)
        .values_list("role", flat=True)
        .first()
    )
    return StaffAction.objects.create(
        association=actor.association,
        user=actor.user,
        role=role or "",
        actor_name=address_scrub(actor.user.get_full_name())[:150],
        action=action,
        target=address_scrub(target)[:200],
        target_id=str(target_id)[:40],
    )
