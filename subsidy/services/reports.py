"""The performance report (実績報告): paid costs with receipts, then the report itself."""

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kairan.wareki import wareki_date
from subsidy.calculations import Category
from subsidy.models import Application, AuditRecord, CostLine, Document, Receipt
from subsidy.selectors import actual_figures
from subsidy.services.audit import (
    application_snapshot,
    application_transition,
    audit_write,
    member_actor_kind,
    owner_require,
)
from subsidy.workflow import Action, Status, TransitionRefused
from tenants.models import User

RECEIPT_MAX_BYTES = 10 * 1024 * 1024  # a phone photo of a receipt is 2–5 MB
# Magic numbers, never the file name: %PDF- (ISO 32000-1 §7.5.2) and JPEG's SOI + marker.
_MAGIC = [(b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg")]

EXCLUDED_MESSAGES = {
    Category.EQUIPMENT.value: gettext_lazy("パソコン等の設備の購入費は、補助の対象になりません。"),
    Category.INTERNET.value: gettext_lazy(
        "インターネット回線の開通や利用の費用は、補助の対象になりません。"
    ),
    Category.OTHER.value: gettext_lazy(
        "システムの導入費と利用料のほかは、補助の対象になりません。"
    ),
}


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def receipt_content_type(data: bytes) -> str | None:
    """application/pdf or image/jpeg by the file's first bytes; None for anything else."""
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    return None


def receipt_check(upload: Upload) -> str:
    if len(upload.data) > RECEIPT_MAX_BYTES:
        raise ValidationError(
            {
                "receipt": _("ファイルが大きすぎます（%(mb)dMBまで）。")
                % {"mb": RECEIPT_MAX_BYTES >> 20}
            }
        )
    content_type = receipt_content_type(upload.data)
    if content_type is None:
        raise ValidationError({"receipt": _("領収書はPDFかJPEG（写真）のファイルにしてください。")})
    return content_type


def _editable_report(application: Application) -> None:
    if application.status != Status.GRANTED:
        before_grant = {Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.RESUBMITTED}
        if application.status in before_grant:
            message = _("支払った経費は、市の交付決定を受けてから入力できます。")
        else:
            message = _("実績報告はもう提出されているので、経費を変えられません。")
        raise TransitionRefused(message)


def cost_line_add(
    *,
    application: Application,
    user: User,
    category: str,
    description: str,
    vendor: str,
    amount: int,
    paid_on: date,
    receipt: Upload,
    today: date,
    tax_amount: int = 0,
    service_start: date | None = None,
    service_end: date | None = None,
) -> CostLine:
    """Add one paid cost, with its receipt, to a granted application's report."""
    actor_kind = member_actor_kind(user=user, application=application)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _editable_report(application)
        program = application.program
        errors: dict[str, str] = {}
        if category not in program.eligible_categories:
            errors["category"] = str(
                EXCLUDED_MESSAGES.get(category, EXCLUDED_MESSAGES[Category.OTHER.value])
            )
        for name, value in (("amount", amount), ("tax_amount", tax_amount)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                errors[name] = _("金額は0以上の整数（円）で入力してください。")
        if "amount" not in errors and amount == 0:
            errors["amount"] = _("支払った金額を入力してください。")
        if not errors.get("amount") and not errors.get("tax_amount") and tax_amount > amount:
            errors["tax_amount"] = _("消費税額が支払額より大きくなっています。")
        assert application.decision_date is not None  # granted
        if paid_on < application.decision_date:
            errors["paid_on"] = _(
                "交付決定日（%(day)s）より前に支払った経費は、補助の対象になりません。"
            ) % {"day": wareki_date(application.decision_date)}
        elif paid_on > program.window_end:
            errors["paid_on"] = _("%(day)sより後に支払った経費は、補助の対象になりません。") % {
                "day": wareki_date(program.window_end)
            }
        elif paid_on > today:
            errors["paid_on"] = _("まだ来ていない日付です。支払った日を入力してください。")
        start = service_start or paid_on
        end = service_end or start
        if end < start:
            errors["service_end"] = _("利用期間の末日が初日より前になっています。")
        if errors:
            raise ValidationError(errors)
        content_type = receipt_check(receipt)
        before = application_snapshot(application)
        stored = Receipt.objects.create(
            application=application,
            file_name=receipt.name[-150:],
            content_type=content_type,
            data=receipt.data,
            size=len(receipt.data),
            sha256=hashlib.sha256(receipt.data).hexdigest(),
            uploaded_by=user,
        )
        line = CostLine.objects.create(
            application=application,
            source=CostLine.Source.MANUAL,
            category=category,
            description=description.strip(),
            vendor=vendor.strip(),
            amount=amount,
            tax_amount=tax_amount,
            paid_on=paid_on,
            service_start=service_start,
            service_end=service_end,
            receipt=stored,
        )
        audit_write(
            application=application,
            action="line_add",
            actor=user,
            actor_kind=actor_kind,
            before=before,
            extra={
                "cost_line": {
                    "id": line.pk,
                    "category": category,
                    "amount": amount,
                    "paid_on": paid_on,
                    "receipt_sha256": stored.sha256,
                }
            },
        )
    return line


def billing_costs_collect(*, application: Application, user: User) -> list[CostLine]:
    """Add the platform's own paid invoices (setup and usage fees) to a granted report.

    Paid between the grant decision and the end of the window; an invoice already collected
    is not added again. These lines need no receipt upload: the invoice and its receipt are
    the platform's own documents (billing).
    """
    from billing.issuer import issuer_get
    from billing.selectors import subsidy_paid_costs

    actor_kind = member_actor_kind(user=user, application=application)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _editable_report(application)
        assert application.decision_date is not None  # granted
        costs = subsidy_paid_costs(
            association=application.association,
            since=application.decision_date,
            until=application.program.window_end,
        )
        known = set(
            application.cost_lines.filter(source=CostLine.Source.BILLING).values_list(
                "billing_reference", "category"
            )
        )
        before = application_snapshot(application)
        vendor = issuer_get().name
        added = []
        for cost in costs:
            if (cost.invoice_number, cost.category) in known or cost.amount <= 0:
                continue
            label = _("初期費用") if cost.category == "setup" else _("利用料")
            added.append(
                CostLine.objects.create(
                    application=application,
                    source=CostLine.Source.BILLING,
                    category=cost.category,
                    description=_("%(label)s（請求書 %(number)s）")
                    % {"label": label, "number": cost.invoice_number},
                    vendor=vendor,
                    amount=cost.amount,
                    paid_on=cost.paid_on,
                    service_start=cost.period_start,
                    service_end=cost.period_end,
                    billing_reference=cost.invoice_number,
                )
            )
        if added:
            audit_write(
                application=application,
                action=AuditRecord.LINES_COLLECT,
                actor=user,
                actor_kind=actor_kind,
                before=before,
                extra={"invoices": [line.billing_reference for line in added]},
            )
    return added


def cost_line_remove(*, line: CostLine, user: User) -> None:
    """Take a wrongly entered cost out of a report that is not yet submitted."""
    actor_kind = member_actor_kind(user=user, application=line.application)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=line.application_id)
        _editable_report(application)
        before = application_snapshot(application)
        removed = {
            "id": line.pk,
            "category": line.category,
            "amount": line.amount,
            "paid_on": line.paid_on,
        }
        line.delete()
        # The receipt stays: it was evidence the audit record points at.
        audit_write(
            application=application,
            action="line_remove",
            actor=user,
            actor_kind=actor_kind,
            before=before,
            extra={"cost_line_removed": removed},
        )


def report_submit(
    *,
    application: Application,
    user: User,
    started_on: date,
    completed_on: date,
    today: date,
    seal: bool = False,
) -> Application:
    """Submit the performance report: figures computed from the lines, documents frozen."""
    actor = owner_require(user=user, application=application, what=_("実績報告の提出"))

    def changes(application: Application) -> dict[str, Any]:
        program = application.program
        if today > program.report_due_on:
            raise ValidationError(
                _(
                    "実績報告の期限（%(day)s）を過ぎています。"
                    "市の担当課（%(department)s）に相談してください。"
                )
                % {"day": wareki_date(program.report_due_on), "department": program.city.department}
            )
        if not application.cost_lines.exists():
            raise ValidationError(_("支払った経費を1件以上入力してから報告してください。"))
        assert application.decision_date is not None
        errors: dict[str, str] = {}
        if started_on < application.decision_date:
            errors["started_on"] = _("着手日は交付決定日（%(day)s）以降の日にしてください。") % {
                "day": wareki_date(application.decision_date)
            }
        if completed_on < started_on:
            errors["completed_on"] = _("完了日が着手日より前になっています。")
        elif completed_on > min(program.window_end, today):
            errors["completed_on"] = _(
                "完了日は今日か、それより前の日（%(day)sまで）にしてください。"
            ) % {"day": wareki_date(program.window_end)}
        if errors:
            raise ValidationError(errors)
        figures = actual_figures(application)
        return {
            "started_on": started_on,
            "completed_on": completed_on,
            "reported_on": today,
            "actual_eligible_cost": figures.eligible_cost,
            "computed_amount": figures.computed,
            "seal_on_report": seal,
            "return_reason": "",
        }

    return application_transition(
        application=application,
        user=user,
        action=Action.REPORT,
        actor_kind=actor,
        changes=changes,
        document=Document.Kind.REPORT,
        issued_on=today,
    )
