"""The operator's billing console (/admin/ on the public host). Issued documents are read-only;
payments and credit notes are recorded through the services, never by editing rows."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from billing import documents, selectors
from billing.calculations import Category, month_previous, month_start
from billing.models import (
    BillingAccount,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    Plan,
    PlanAssignment,
)
from billing.services.accounts import account_standing_update, plan_change
from billing.services.ledger import CreditLine, credit_note_issue, payment_check, payment_record


def _yen(amount: int) -> str:
    return f"{amount:,}円"


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "setup_with_tax", "monthly_with_tax", "mails_included",
                    "extra_mail_price", "is_default"]  # fmt: skip

    @admin.display(description=_("初期費用（税込）"))
    def setup_with_tax(self, plan: Plan) -> str:
        return _yen(plan.setup_fee_with_tax)

    @admin.display(description=_("月額（税込）"))
    def monthly_with_tax(self, plan: Plan) -> str:
        return _yen(plan.monthly_fee_with_tax)


class PlanAssignmentInline(admin.TabularInline):
    model = PlanAssignment
    extra = 0
    fields = ["plan", "effective_from"]
    readonly_fields = ["plan", "effective_from"]
    can_delete = False
    verbose_name_plural = _("プランの履歴")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PaymentForm(forms.ModelForm):
    """A new payment row: the service's checks run here too, so that a refused payment
    stays on the page with its reason and the admin never says it saved."""

    class Meta:
        model = Payment
        fields = ["method", "amount", "received_on", "reference", "note"]

    def clean(self) -> dict:
        data = super().clean()
        fields = ("amount", "received_on", "method")
        if self.has_changed() and not self.instance.pk and all(f in data for f in fields):
            payment_check(
                account=self.instance.account,
                amount=data["amount"],
                received_on=data["received_on"],
                method=data["method"],
                reference=data.get("reference", ""),
            )
        return data


class PaymentInline(admin.TabularInline):
    """Payments of the account. New rows go through payment_record, which spreads them over
    open invoices and keeps any excess as credit; recorded rows are read-only."""

    model = Payment
    form = PaymentForm
    extra = 1
    can_delete = False
    fields = ["method", "amount", "received_on", "reference", "note", "recorded_by"]
    readonly_fields = ["recorded_by"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class BillingAccountForm(forms.ModelForm):
    next_plan = forms.ModelChoiceField(
        Plan.objects.all(),
        required=False,
        label=_("プランの変更"),
        help_text=_("選ぶと来月1日から新しいプランになります。今月の料金は変わりません。"),
    )

    class Meta:
        model = BillingAccount
        fields = ["payment_method", "status", "registration_number"]


@admin.register(BillingAccount)
class BillingAccountAdmin(admin.ModelAdmin):
    form = BillingAccountForm
    list_display = ["association", "payment_method", "status", "plan_now", "mails_this_month",
                    "mails_last_month", "open_balance", "credit"]  # fmt: skip
    list_filter = ["status", "payment_method"]
    search_fields = ["association__name", "association__slug"]
    readonly_fields = ["association", "starts_on", "suspended_at", "stripe_customer_id",
                       "stripe_subscription_id", "stripe_subscription_status",
                       "stripe_payment_failed_at", "open_balance", "credit"]  # fmt: skip
    fields = ["association", "starts_on", "payment_method", "status", "suspended_at",
              "next_plan", "registration_number", "open_balance", "credit", "stripe_customer_id",
              "stripe_subscription_id", "stripe_subscription_status",
              "stripe_payment_failed_at"]  # fmt: skip
    inlines = [PlanAssignmentInline, PaymentInline]
    actions = ["resume_sending"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # accounts are opened by the close and the staff page

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("今月のプラン"))
    def plan_now(self, account: BillingAccount) -> str:
        return str(selectors.plan_in_force(account=account, month=timezone.localdate()))

    @admin.display(description=_("今月の配信数"))
    def mails_this_month(self, account: BillingAccount) -> int:
        return selectors.usage_count(
            association_id=account.association_id, month=timezone.localdate()
        )

    @admin.display(description=_("先月の配信数"))
    def mails_last_month(self, account: BillingAccount) -> int:
        month = month_previous(month_start(timezone.localdate()))
        return selectors.usage_count(association_id=account.association_id, month=month)

    @admin.display(description=_("未払い"))
    def open_balance(self, account: BillingAccount) -> str:
        open_invoices = selectors.invoice_open_list().filter(account=account)
        return _yen(sum(invoice.balance for invoice in open_invoices))

    @admin.display(description=_("預かり金"))
    def credit(self, account: BillingAccount) -> str:
        return _yen(selectors.account_credit(account=account))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("next_plan"):
            plan_change(association=obj.association, plan=form.cleaned_data["next_plan"])

    @admin.action(description=_("配信を再開する（未払いが残っていれば翌日また停止されます）"))
    def resume_sending(self, request: HttpRequest, queryset: QuerySet[BillingAccount]) -> None:
        queryset.update(status=BillingAccount.Status.ACTIVE, suspended_at=None)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Payment:
            return super().save_formset(request, form, formset, change)
        # The admin's change message reads these; the service writes the rows.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for payment_form in formset.forms:
            if not payment_form.has_changed() or payment_form.instance.pk:
                continue
            data = payment_form.cleaned_data
            try:
                payment = payment_record(
                    account=form.instance,
                    amount=data["amount"],
                    received_on=data["received_on"],
                    method=data["method"],
                    reference=data.get("reference", ""),
                    note=data.get("note", ""),
                    recorded_by=request.user,
                )
            except ValidationError as error:
                messages.error(request, "; ".join(error.messages))
            else:
                formset.new_objects.append(payment)
        account_standing_update(account=form.instance)
        return None


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = ["description", "period_start", "period_end", "quantity", "unit_price", "amount",
              "tax_rate_percent"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AllocationInline(admin.TabularInline):
    model = PaymentAllocation
    extra = 0
    can_delete = False
    fields = ["payment", "amount"]
    readonly_fields = fields
    verbose_name_plural = _("この請求書に充てた入金")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class _ReadOnly(admin.ModelAdmin):
    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(_ReadOnly):
    list_display = ["number", "recipient_name", "billing_month", "total", "balance",
                    "paid_on", "due_on", "pdf"]  # fmt: skip
    list_filter = ["billing_month", "payment_method"]
    search_fields = ["number", "recipient_name"]
    inlines = [InvoiceLineInline, AllocationInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Invoice]:
        return selectors.invoice_list()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invoices come from the monthly close only

    @admin.display(description=_("残高"))
    def balance(self, invoice: Invoice) -> str:
        return _yen(invoice.balance)  # type: ignore[attr-defined]  # annotated by selectors.invoice_list

    @admin.display(description="PDF")
    def pdf(self, invoice: Invoice) -> str:
        url = reverse("admin:billing_invoice_pdf", args=[invoice.pk])
        return format_html('<a href="{}">PDF</a>', url)

    def get_urls(self):
        pdf = self.admin_site.admin_view(self.pdf_view)
        return [path("<int:pk>/pdf/", pdf, name="billing_invoice_pdf"), *super().get_urls()]

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        invoice = get_object_or_404(Invoice, pk=pk)
        response = HttpResponse(documents.invoice_pdf(invoice=invoice), "application/pdf")
        response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
        return response


class CreditNoteForm(forms.ModelForm):
    """One line given back on an invoice; the service computes tax and issues the note."""

    category = forms.ChoiceField(
        label=_("区分"), choices=[(Category.USAGE, _("利用料")), (Category.SETUP, _("初期費用"))]
    )
    description = forms.CharField(label=_("品名"), max_length=200)
    amount = forms.IntegerField(label=_("返還額（税抜）"), min_value=1)

    class Meta:
        model = CreditNote
        fields = ["invoice", "reason"]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        invoice, amount = data.get("invoice"), data.get("amount")
        if invoice and amount:
            left = selectors.credit_note_room(invoice=invoice, category=data["category"])
            if amount > left:
                raise ValidationError(
                    _("返還できるのは請求した金額（税抜 %(left)s円）までです。")
                    % {"left": f"{left:,}"}
                )
        return data


class CreditNoteLineInline(admin.TabularInline):
    model = CreditNoteLine
    extra = 0
    can_delete = False
    fields = ["description", "amount", "tax_rate_percent"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CreditNote)
class CreditNoteAdmin(_ReadOnly):
    list_display = ["number", "invoice", "recipient_name", "issued_on", "total"]
    form = CreditNoteForm

    def get_inlines(self, request: HttpRequest, obj: CreditNote | None):
        return [CreditNoteLineInline] if obj else []

    def get_fields(self, request: HttpRequest, obj: CreditNote | None = None):
        if obj is None:
            return ["invoice", "reason", "category", "description", "amount"]
        return ["number", "invoice", "issued_on", "reason", "subtotal", "tax", "total"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        note = credit_note_issue(
            invoice=data["invoice"],
            lines=[CreditLine(data["category"], data["description"], data["amount"])],
            reason=data["reason"],
        )
        obj.pk, obj.number = note.pk, note.number

    def save_related(self, request, form, formsets, change):
        return None
