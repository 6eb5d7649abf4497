"""The association's side of an application: create, edit, submit (and submit again)."""

from dataclasses import asdict, dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from billing.issuer import issuer_get
from billing.selectors import plan_default
from kairan.wareki import fiscal_year_label, wareki_date
from subsidy.models import Application, Document, Program
from subsidy.selectors import plan_figures
from subsidy.services.audit import (
    application_snapshot,
    audit_write,
    member_actor_kind,
    owner_require,
)
from subsidy.services.documents import document_freeze
from subsidy.workflow import EDITABLE, Action, Status, TransitionRefused, transition_target
from tenants.models import Association, User

SYSTEM_NAME = "Kairan（回覧）自治会情報共有システム"


@dataclass(frozen=True)
class ApplicationFields:
    """What the association types on the application form."""

    applicant_name: str
    applicant_address: str
    representative_title: str
    representative_name: str
    phone: str
    households: int
    registrants: int
    planned_start: date
    planned_end: date
    include_setup_fee: bool = True
    planned_equipment_cost: int = 0
    planned_internet_cost: int = 0
    seal_on_application: bool = False


def _fields_check(program: Program, fields: ApplicationFields) -> None:
    errors: dict[str, str] = {}
    for name in ("households", "registrants", "planned_equipment_cost", "planned_internet_cost"):
        value = getattr(fields, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[name] = _("0以上の整数で入力してください。")
    if not errors.get("households") and fields.households < 1:
        errors["households"] = _("世帯数を入力してください。")
    first, last = program.applications_open_on, program.window_end
    if not first <= fields.planned_start <= last:
        errors["planned_start"] = _("着手予定日は%(first)sから%(last)sまでの日にしてください。") % {
            "first": wareki_date(first),
            "last": wareki_date(last),
        }
    elif not fields.planned_start <= fields.planned_end <= last:
        errors["planned_end"] = _("完了予定日は着手予定日から%(last)sまでの日にしてください。") % {
            "last": wareki_date(last)
        }
    if errors:
        raise ValidationError(errors)


def _prices_copy(application: Application) -> None:
    # A draft always quotes today's price list; submitting freezes it with the estimate.
    plan = plan_default()
    application.setup_fee = plan.setup_fee
    application.monthly_fee = plan.monthly_fee
    application.tax_rate_percent = plan.tax_rate_percent
    application.system_name = SYSTEM_NAME
    application.vendor_name = issuer_get().name
    application.requested_amount = plan_figures(application).subsidy


def application_period_check(*, program: Program, today: date) -> None:
    """Refuse (ValidationError) outside the program's application period."""
    label = fiscal_year_label(program.fiscal_year)
    if today < program.applications_open_on:
        raise ValidationError(
            _("%(year)sの申請は%(day)sから受け付けます。")
            % {"year": label, "day": wareki_date(program.applications_open_on)}
        )
    if today > program.applications_close_on:
        raise ValidationError(
            _("%(year)sの申請の受付は%(day)sで終わりました。")
            % {"year": label, "day": wareki_date(program.applications_close_on)}
        )


def _duplicate_error(program: Program) -> ValidationError:
    return ValidationError(
        _("%(year)sの申請はすでにあります。同じ年度に申請できるのは1回だけです。")
        % {"year": fiscal_year_label(program.fiscal_year)}
    )


def application_create(
    *,
    association: Association,
    user: User,
    program: Program,
    fields: ApplicationFields,
    today: date,
) -> Application:
    """Start an application (a draft) for the program's fiscal year."""
    application_period_check(program=program, today=today)
    _fields_check(program, fields)
    if Application.objects.filter(
        association=association, fiscal_year=program.fiscal_year
    ).exists():
        raise _duplicate_error(program)
    application = Application(
        program=program, association=association, fiscal_year=program.fiscal_year, **asdict(fields)
    )
    actor_kind = member_actor_kind(user=user, application=application)
    _prices_copy(application)
    try:
        with transaction.atomic():
            application.save()
            audit_write(
                application=application,
                action="create",
                actor=user,
                actor_kind=actor_kind,
                before={"status": Status.DRAFT},
            )
    except IntegrityError as error:
        # Two tabs submitting at once: the unique constraint decides.
        raise _duplicate_error(program) from error
    return application


def application_update(
    *, application: Application, user: User, fields: ApplicationFields
) -> Application:
    """Change a draft or a returned application."""
    actor_kind = member_actor_kind(user=user, application=application)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in EDITABLE:
            raise TransitionRefused(
                _("この申請は今「%(status)s」なので、内容を変えられません。")
                % {"status": Status(application.status).label}
            )
        _fields_check(application.program, fields)
        before = application_snapshot(application)
        for name, value in asdict(fields).items():
            setattr(application, name, value)
        _prices_copy(application)
        application.save()
        audit_write(
            application=application,
            action="edit",
            actor=user,
            actor_kind=actor_kind,
            before=before,
        )
    return application


def application_submit(*, application: Application, user: User, today: date) -> Application:
    """Submit a draft, or a returned application again: its documents are frozen."""
    actor = owner_require(user=user, application=application, what=_("申請書の提出"))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        action = Action.RESUBMIT if application.status == Status.RETURNED else Action.SUBMIT
        target = transition_target(status=application.status, action=action, actor=actor)
        application_period_check(program=application.program, today=today)
        figures = plan_figures(application)
        if figures.subsidy <= 0:
            raise ValidationError(
                _(
                    "補助金の見込み額が0円なので申請できません。"
                    "補助対象の経費が%(minimum)s円以上になるようにしてください。"
                )
                % {"minimum": f"{figures.minimum_cost:,}"}
            )
        before = application_snapshot(application)
        application.status = target
        application.requested_amount = figures.subsidy
        application.submitted_on = today
        application.save()
        document = document_freeze(
            application=application, kind=Document.Kind.APPLICATION, user=user, issued_on=today
        )
        audit_write(
            application=application,
            action=action,
            actor=user,
            actor_kind=actor,
            before=before,
            extra={"document": {"id": document.pk, "sha256": document.sha256}},
        )
    return application
