"""The ledger: invoices issued by the monthly close, payments spread over them, receipts and
credit notes. Issued documents are never edited; everything here only adds rows."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import selectors
from billing.calculations import (
    Category,
    Line,
    month_end,
    month_label,
    month_previous,
    month_start,
    overage_of,
    totals_of,
)
from billing.issuer import issuer_get
from billing.models import (
    BillingAccount,
    CreditNote,
    CreditNoteLine,
    DocumentSequence,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    Receipt,
)
from billing.services.accounts import account_ensure, account_standing_update
from tenants.models import Association, User

# Document number prefixes: one never-reused series each (インボイス制度 asks for a number that
# identifies the document; a series per kind keeps each one gapless).
SERIES = {"invoice": "KI", "credit_note": "KC", "receipt": "KR"}
# An invoice issued late (a close run after the month began) still leaves this long to pay.
MIN_DAYS_TO_PAY = 14


def number_next(series: str) -> str:
    """The next number of a document series, e.g. KI-000123. Call inside the issuing
    transaction: the row lock is held until commit, so numbers are sequential and gapless."""
    sequence, _created = DocumentSequence.objects.select_for_update().get_or_create(series=series)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{SERIES[series]}-{sequence.last:06d}"


def invoice_lines_for(*, account: BillingAccount, month: date) -> list[Line]:
    """What the invoice of a billing month charges (pure apart from the reads)."""
    plan = selectors.plan_in_force(account=account, month=month)
    rate = plan.tax_rate_percent
    lines = []
    if not account.invoices.exists() and plan.setup_fee:
        lines.append(
            Line(Category.SETUP, _("初期費用（%(plan)s）") % {"plan": plan.name}, 1,
                 plan.setup_fee, rate, month, month_end(month))
        )  # fmt: skip
    # A suspended association gets no service, so no monthly fee while it stays suspended.
    if account.status == BillingAccount.Status.ACTIVE and plan.monthly_fee:
        description = _("月額利用料（%(plan)s）%(month)s") % {
            "plan": plan.name,
            "month": month_label(month),
        }
        lines.append(
            Line(Category.USAGE, description, 1, plan.monthly_fee, rate, month, month_end(month))
        )
    previous = month_previous(month)
    if previous >= account.starts_on:
        previous_plan = selectors.plan_in_force(account=account, month=previous)
        mails = selectors.usage_count(association_id=account.association_id, month=previous)
        extra = overage_of(mails=mails, included=previous_plan.mails_included)
        if extra and previous_plan.extra_mail_price:
            description = _("追加配信 %(month)s（%(included)s通を超えた分）") % {
                "month": month_label(previous),
                "included": f"{previous_plan.mails_included:,}",
            }
            lines.append(
                Line(Category.USAGE, description, extra, previous_plan.extra_mail_price,
                     previous_plan.tax_rate_percent, previous, month_end(previous))
            )  # fmt: skip
    return lines


def invoice_issue(
    *, association: Association, month: date, today: date | None = None
) -> Invoice | None:
    """Issue the invoice of a billing month; safe to call twice (returns the one issued).

    None when the month is before billing starts or there is nothing to charge.
    """
    today = today or timezone.localdate()
    month = month_start(month)
    account = account_ensure(association=association)
    if month < account.starts_on:
        return None
    with transaction.atomic():
        # The lock makes two concurrent closes for the same account wait for each other.
        account = BillingAccount.objects.select_for_update().get(pk=account.pk)
        existing = Invoice.objects.filter(account=account, billing_month=month).first()
        if existing is not None:
            return existing
        lines = invoice_lines_for(account=account, month=month)
        if not lines:
            return None
        totals = totals_of(lines)
        issuer = issuer_get()
        invoice = Invoice.objects.create(
            number=number_next("invoice"),
            account=account,
            billing_month=month,
            issued_on=today,
            due_on=max(month_end(month), today + timedelta(days=MIN_DAYS_TO_PAY)),
            recipient_name=association.name,
            issuer_name=issuer.name,
            issuer_address=issuer.address,
            issuer_phone=issuer.phone,
            issuer_registration_number=issuer.registration_number,
            bank_account=issuer.bank_account,
            payment_method=account.payment_method,
            subtotal=totals.subtotal,
            tax=totals.tax,
            total=totals.total,
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                position=position,
                category=line.category,
                description=line.description,
                period_start=line.period_start,
                period_end=line.period_end,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                tax_rate_percent=line.tax_rate_percent,
            )
            for position, line in enumerate(lines, start=1)
        )
        # Credit carried forward from an earlier over-payment settles the new invoice first.
        _allocate(account=account)
    return invoice


def billing_month_close(*, month: date, today: date | None = None) -> list[Invoice]:
    """Issue every association's invoice of a month, here and now (the actor fans out instead)."""
    invoices = []
    for association in Association.objects.filter(is_template=False, slug__isnull=False):
        invoice = invoice_issue(association=association, month=month, today=today)
        if invoice is not None:
            invoices.append(invoice)
    return invoices


def payment_check(
    *, account: BillingAccount, amount: int, received_on: date, method: str, reference: str
) -> None:
    """Refuse a payment that cannot be recorded (ValidationError by field): the wrong sign, a
    day that has not come yet, a refund above the credit, a reference already recorded.
    The admin's form runs it to show the reasons beside the fields; payment_record runs it
    again under the account's lock."""
    if method == Payment.Method.REFUND:
        if amount >= 0:
            raise ValidationError({"amount": _("返金はマイナスの金額で記録してください。")})
    elif amount <= 0:
        raise ValidationError({"amount": _("入金額は1円以上で入力してください。")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("入金日に今日より後の日付は使えません。")})
    credit = selectors.account_credit(account=account)
    if method == Payment.Method.REFUND and -amount > credit:
        raise ValidationError(
            {
                "amount": _("返金額が預かり金（%(credit)s円）を超えています。")
                % {"credit": f"{credit:,}"}
            }
        )
    if reference and Payment.objects.filter(method=method, reference=reference).exists():
        raise ValidationError({"reference": _("この参照番号の入金はすでに記録されています。")})


def payment_record(
    *,
    account: BillingAccount,
    amount: int,
    received_on: date,
    method: str = Payment.Method.BANK_TRANSFER,
    reference: str = "",
    note: str = "",
    recorded_by: User | None = None,
) -> Payment:
    """Record money received (or a refund of credit) and spread it over open invoices.

    More than is owed stays as the account's credit and settles the next invoices; a refund
    (a negative amount, method "refund") may give back at most that credit.
    """
    with transaction.atomic():
        account = BillingAccount.objects.select_for_update().get(pk=account.pk)
        payment_check(
            account=account,
            amount=amount,
            received_on=received_on,
            method=method,
            reference=reference,
        )
        payment = Payment.objects.create(
            account=account,
            method=method,
            amount=amount,
            received_on=received_on,
            reference=reference,
            note=note,
            recorded_by=recorded_by,
        )
        _allocate(account=account)
        account_standing_update(account=account, today=max(received_on, timezone.localdate()))
    return payment


@dataclass(frozen=True)
class CreditLine:
    """One line given back by a credit note, tax-exclusive."""

    category: str
    description: str
    amount: int


def credit_note_issue(
    *,
    invoice: Invoice,
    lines: list[CreditLine],
    reason: str,
    today: date | None = None,
) -> CreditNote:
    """Issue a 返還インボイス against an invoice: the correction of an issued invoice.

    Each category can be given back at most what the invoice charged for it, less earlier
    credit notes. Money already paid for what is given back becomes the account's credit.
    """
    today = today or timezone.localdate()
    if not lines or any(line.amount <= 0 for line in lines):
        raise ValidationError(_("返還する金額を1円以上で入力してください。"))
    if not reason.strip():
        raise ValidationError({"reason": _("返還の理由を入力してください。")})
    with transaction.atomic():
        account = BillingAccount.objects.select_for_update().get(pk=invoice.account_id)
        rates = {line.category: line.tax_rate_percent for line in invoice.lines.all()}
        for category in {line.category for line in lines}:
            room = selectors.credit_note_room(invoice=invoice, category=category)
            asked = sum(line.amount for line in lines if line.category == category)
            if category not in rates or asked > room:
                raise ValidationError(
                    _("返還できるのは請求した金額（税抜 %(left)s円）までです。")
                    % {"left": f"{room:,}"}
                )
        plain = [
            Line(x.category, x.description, 1, x.amount, rates[x.category], today, today)
            for x in lines
        ]
        totals = totals_of(plain)
        issuer = issuer_get()
        note = CreditNote.objects.create(
            number=number_next("credit_note"),
            invoice=invoice,
            issued_on=today,
            reason=reason.strip(),
            recipient_name=invoice.recipient_name,
            issuer_name=issuer.name,
            issuer_registration_number=issuer.registration_number,
            subtotal=totals.subtotal,
            tax=totals.tax,
            total=totals.total,
        )
        CreditNoteLine.objects.bulk_create(
            CreditNoteLine(
                credit_note=note,
                position=position,
                category=line.category,
                description=line.description,
                amount=line.unit_price,
                tax_rate_percent=line.tax_rate_percent,
            )
            for position, line in enumerate(plain, start=1)
        )
        _release_overpaid(invoice=invoice)
        _allocate(account=account)
    return note


def _release_overpaid(*, invoice: Invoice) -> None:
    """After a credit note, payments beyond what the invoice still asks go back to credit."""
    current = selectors.invoice_list().get(pk=invoice.pk)
    excess = -current.balance
    for allocation in invoice.allocations.order_by("-pk"):
        if excess <= 0:
            break
        taken = min(excess, allocation.amount)
        if taken == allocation.amount:
            allocation.delete()
        else:
            allocation.amount -= taken
            allocation.save(update_fields=["amount"])
        excess -= taken


def _allocate(*, account: BillingAccount) -> None:
    """Spread the account's unallocated money over its open invoices, oldest first, then
    settle the invoices that are paid in full. Runs under the account's row lock."""
    credit = selectors.account_credit(account=account)
    if credit > 0:
        payments = []
        for payment in Payment.objects.filter(account=account, amount__gt=0).order_by(
            "received_on", "pk"
        ):
            used = sum(a.amount for a in payment.allocations.all())
            if payment.amount > used:
                payments.append([payment, payment.amount - used])
        for invoice in selectors.invoice_open_list().filter(account=account):
            due = invoice.balance
            while due > 0 and credit > 0 and payments:
                payment, left = payments[0]
                amount = min(due, left, credit)
                PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=amount)
                due, credit = due - amount, credit - amount
                payments[0][1] -= amount
                if payments[0][1] == 0:
                    payments.pop(0)
    _settle(account=account)


def _settle(*, account: BillingAccount) -> None:
    """Mark invoices paid in full and issue their receipts (領収書)."""
    unsettled = selectors.invoice_list().filter(
        account=account, paid_on__isnull=True, balance__lte=0, allocated__gt=0
    )
    for invoice in unsettled:
        paid_on = max(a.payment.received_on for a in invoice.allocations.select_related("payment"))
        Invoice.objects.filter(pk=invoice.pk).update(paid_on=paid_on)
        if not Receipt.objects.filter(invoice=invoice).exists():
            issuer = issuer_get()
            # A PDF receipt sent electronically is not a taxable document under 印紙税法
            # (no revenue stamp), whatever the amount.
            Receipt.objects.create(
                number=number_next("receipt"),
                invoice=invoice,
                issued_on=paid_on,
                amount=invoice.allocated,
                recipient_name=invoice.recipient_name,
                issuer_name=issuer.name,
                issuer_registration_number=issuer.registration_number,
            )
