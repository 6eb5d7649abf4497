"""The audit trail: a record of every change to an application, written with the change."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from subsidy.models import Application, AuditRecord, CityStaff, Document
from subsidy.services.documents import document_freeze
from subsidy.workflow import Action, Actor, transition_target
from tenants.models import Membership, StaffAction, User
from tenants.services import staff_action_record

# What an association's staff do to their application that also goes into the association's
# own staff audit log (the city's decisions stay in this trail only).
_STAFF_ACTIONS = {
    Action.SUBMIT: StaffAction.Action.SUBSIDY_SUBMIT,
    Action.RESUBMIT: StaffAction.Action.SUBSIDY_SUBMIT,
    Action.REPORT: StaffAction.Action.SUBSIDY_REPORT,
    Action.CLAIM: StaffAction.Action.SUBSIDY_CLAIM,
}

# Bookkeeping columns change on every save and say nothing about the application.
_NOT_AUDITED = {"id", "created_at", "updated_at"}


def application_snapshot(application: Application) -> dict[str, Any]:
    return {
        field.attname: getattr(application, field.attname)
        for field in Application._meta.concrete_fields
        if field.attname not in _NOT_AUDITED
    }


def audit_write(
    *,
    application: Application,
    action: str,
    actor: User,
    actor_kind: str,
    before: dict[str, Any],
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditRecord:
    """Record what changed between `before` and the application as it is now.

    Only changed values are kept, old under "before" and new under "after"; `extra` adds
    what changed outside the row (a cost line added, a document frozen).
    """
    after_all = application_snapshot(application)
    changed = [key for key, value in after_all.items() if before.get(key) != value]
    after = {key: after_all[key] for key in changed}
    after.update(extra or {})
    if action in _STAFF_ACTIONS:
        staff_action_record(
            action=_STAFF_ACTIONS[action],
            target=f"{application.program.name}（{application.program.fiscal_year}年度）",
            target_id=application.pk,
        )
    return AuditRecord.objects.create(
        application=application,
        action=action,
        from_status=before["status"],
        to_status=application.status,
        actor=actor,
        actor_kind=actor_kind,
        before={key: before.get(key) for key in changed},
        after=after,
        reason=reason,
    )


def application_transition(
    *,
    application: Application,
    user: User,
    action: Action,
    actor_kind: str,
    changes: Callable[[Application], dict[str, Any]],
    reason: str = "",
    document: Document.Kind | None = None,
    issued_on: date | None = None,
) -> Application:
    """Move an application on by `action`, with the fields `changes` gives, and audit it.

    Under the row lock, so two clerks (or two tabs) deciding at once go one after the other
    and the second sees the first's status. `changes` gets the locked row, raises
    ValidationError to refuse, and returns the fields to set besides the status; a
    `document` of that kind is frozen from the saved row and named in the audit record.
    """
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        target = transition_target(status=application.status, action=action, actor=actor_kind)
        fields = changes(application)
        before = application_snapshot(application)
        application.status = target
        for name, value in fields.items():
            setattr(application, name, value)
        application.save()
        extra = None
        if document is not None:
            assert issued_on is not None
            frozen = document_freeze(
                application=application, kind=document, user=user, issued_on=issued_on
            )
            extra = {"document": {"id": frozen.pk, "sha256": frozen.sha256}}
        audit_write(
            application=application,
            action=action,
            actor=user,
            actor_kind=actor_kind,
            before=before,
            reason=reason,
            extra=extra,
        )
    return application


def member_role(*, user: User, application: Application) -> str:
    """The user's role in the application's association; PermissionDenied for outsiders."""
    membership = Membership.objects.filter(user=user, association=application.association).first()
    if membership is None:
        raise PermissionDenied(_("この自治会の担当者ではありません。"))
    return membership.role


def member_actor_kind(*, user: User, application: Application) -> str:
    """How the audit trail names a member who edits: the owner, or an editor."""
    if member_role(user=user, application=application) == Membership.Role.OWNER:
        return Actor.OWNER
    return "editor"


def owner_require(*, user: User, application: Application, what: str) -> str:
    """Submitting, reporting and claiming bind the association: its owner (会長) does them."""
    if member_role(user=user, application=application) != Membership.Role.OWNER:
        raise PermissionDenied(
            _("%(what)sは、自治会の管理者（会長など）のアカウントでだけできます。") % {"what": what}
        )
    return Actor.OWNER


def clerk_require(*, user: User, application: Application) -> CityStaff:
    """A clerk of the city running the application's program."""
    clerk = CityStaff.objects.filter(user=user, is_active=True).first()
    if clerk is None or clerk.city_id != application.program.city_id:
        raise PermissionDenied(_("この申請を扱えるのは、担当する市の職員だけです。"))
    return clerk
