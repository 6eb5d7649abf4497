"""The city's side: return, grant, confirm, record payment. Clerks of the program's city only."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kairan.wareki import wareki_date
from subsidy.models import Application
from subsidy.selectors import actual_figures
from subsidy.services.audit import application_transition, clerk_require
from subsidy.workflow import Action, Actor
from tenants.models import User


def _reason_check(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("差し戻す理由を書いてください。自治会の担当者に表示されます。")}
        )
    return reason


def _day_check(field: str, day: date, *, earliest: date | None, today: date) -> None:
    if day > today:
        raise ValidationError({field: _("今日より後の日付は入力できません。")})
    if earliest and day < earliest:
        raise ValidationError(
            {field: _("%(day)sより前の日付は入力できません。") % {"day": wareki_date(earliest)}}
        )


def application_return(*, application: Application, user: User, reason: str) -> Application:
    """Send a submitted application back to the association for correction, with a reason."""
    return _return(application=application, user=user, reason=reason, action=Action.RETURN)


def report_return(*, application: Application, user: User, reason: str) -> Application:
    """Send a performance report back for correction; the grant stands."""
    return _return(application=application, user=user, reason=reason, action=Action.REPORT_RETURN)


def _return(*, application: Application, user: User, reason: str, action: Action) -> Application:
    clerk_require(user=user, application=application)
    reason = _reason_check(reason)
    return application_transition(
        application=application,
        user=user,
        action=action,
        actor_kind=Actor.CITY,
        changes=lambda application: {"return_reason": reason},
        reason=reason,
    )


def application_grant(
    *,
    application: Application,
    user: User,
    decision_date: date,
    decision_number: str,
    granted_amount: int,
    today: date,
) -> Application:
    """Record the grant decision (交付決定): date, number and amount."""
    clerk_require(user=user, application=application)
    decision_number = (decision_number or "").strip()

    def changes(application: Application) -> dict[str, Any]:
        program = application.program
        _day_check("decision_date", decision_date, earliest=application.submitted_on, today=today)
        if decision_date > program.window_end:
            raise ValidationError(
                {
                    "decision_date": _("交付決定日は%(day)sまでの日にしてください。")
                    % {"day": wareki_date(program.window_end)}
                }
            )
        if not decision_number:
            raise ValidationError(
                {"decision_number": _("交付決定の番号（指令番号）を入力してください。")}
            )
        if isinstance(granted_amount, bool) or not isinstance(granted_amount, int):
            raise ValidationError({"granted_amount": _("金額は円単位の整数で入力してください。")})
        if not 0 < granted_amount <= application.requested_amount:
            raise ValidationError(
                {
                    "granted_amount": _(
                        "交付決定額は1円以上、申請額（%(amount)s円）以下にしてください。"
                    )
                    % {"amount": f"{application.requested_amount:,}"}
                }
            )
        if granted_amount % program.truncation_unit:
            raise ValidationError(
                {
                    "granted_amount": _("交付決定額は%(unit)s円単位です（それ未満は切り捨て）。")
                    % {"unit": f"{program.truncation_unit:,}"}
                }
            )
        return {
            "decision_date": decision_date,
            "decision_number": decision_number,
            "granted_amount": granted_amount,
            "return_reason": "",
        }

    return application_transition(
        application=application,
        user=user,
        action=Action.GRANT,
        actor_kind=Actor.CITY,
        changes=changes,
    )


def report_confirm(
    *, application: Application, user: User, confirmed_on: date, today: date
) -> Application:
    """Confirm the amount (額の確定): the lesser of granted and computed on actual payments."""
    clerk_require(user=user, application=application)

    def changes(application: Application) -> dict[str, Any]:
        _day_check("confirmed_on", confirmed_on, earliest=application.reported_on, today=today)
        # Recomputed from the stored lines rather than trusted from the report's row: the
        # two agree, and if they ever did not the lines (with receipts) are the evidence.
        return {
            "confirmed_amount": actual_figures(application).confirmed,
            "confirmed_on": confirmed_on,
            "return_reason": "",
        }

    return application_transition(
        application=application,
        user=user,
        action=Action.CONFIRM,
        actor_kind=Actor.CITY,
        changes=changes,
    )


def payment_record(
    *, application: Application, user: User, paid_on: date, today: date
) -> Application:
    """Record that the city paid the claim into the association's account."""
    clerk_require(user=user, application=application)

    def changes(application: Application) -> dict[str, Any]:
        _day_check("paid_on", paid_on, earliest=application.claimed_on, today=today)
        return {"paid_on": paid_on}

    return application_transition(
        application=application,
        user=user,
        action=Action.PAY,
        actor_kind=Actor.CITY,
        changes=changes,
    )
