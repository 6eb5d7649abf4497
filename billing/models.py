"""The platform's billing ledger (public schema). Everything in integer yen.

Invoices, their lines, credit notes and receipts are issued documents: once written they are
never edited or deleted (インボイス制度: a correction is a new document, a 返還インボイス or a
corrected invoice, never a changed one). The models refuse it, and so does the database
(trigger in migration 0004) for anything that bypasses the models.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing.calculations import Category, with_tax
from tenants.models import Association, User

_NOT_NEGATIVE = _("金額はマイナスにできません。")


def _not_negative() -> list[MinValueValidator]:
    return [MinValueValidator(0, message=_NOT_NEGATIVE)]


class Plan(models.Model):
    """A price list: the setup fee (初期費用) and the monthly usage fee (利用料) with its mails.

    Prices are tax-exclusive; screens show them tax-inclusive (`*_with_tax`). To change a
    price, make a new plan and assign it: issued invoices keep their own amounts.
    """

    code = models.SlugField(unique=True)
    name = models.CharField(_("プラン名"), max_length=100)
    setup_fee = models.PositiveIntegerField(_("初期費用（税抜）"), validators=_not_negative())
    monthly_fee = models.PositiveIntegerField(_("月額利用料（税抜）"), validators=_not_negative())
    mails_included = models.PositiveIntegerField(
        _("月額に含まれる配信数"), validators=_not_negative()
    )
    extra_mail_price = models.PositiveIntegerField(
        _("追加配信1通の単価（税抜）"), validators=_not_negative()
    )
    tax_rate_percent = models.PositiveSmallIntegerField(_("消費税率（%）"), default=10)
    currency = models.CharField(max_length=3, default="JPY", editable=False)
    is_default = models.BooleanField(_("新しい自治会の標準プラン"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Filled by billing.stripe_gateway.stripe_plan_sync when Stripe is configured.
    stripe_product_id = models.CharField(max_length=100, blank=True, editable=False)
    stripe_monthly_price_id = models.CharField(max_length=100, blank=True, editable=False)
    stripe_metered_price_id = models.CharField(max_length=100, blank=True, editable=False)
    stripe_setup_price_id = models.CharField(max_length=100, blank=True, editable=False)
    stripe_tax_rate_id = models.CharField(max_length=100, blank=True, editable=False)

    PRICE_FIELDS = ("setup_fee", "monthly_fee", "mails_included", "extra_mail_price",
                    "tax_rate_percent")  # fmt: skip

    class Meta:
        verbose_name = _("料金プラン")
        verbose_name_plural = _("料金プラン")
        constraints = [
            models.CheckConstraint(condition=Q(currency="JPY"), name="plan_currency_jpy"),
            models.CheckConstraint(
                condition=Q(setup_fee__gte=0, monthly_fee__gte=0, extra_mail_price__gte=0),
                name="plan_prices_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(tax_rate_percent__lte=100), name="plan_tax_rate_at_most_100"
            ),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_plan"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.currency != "JPY":
            raise ValidationError(
                {"currency": _("通貨は日本円（JPY）だけです。金額は円の整数で入力してください。")}
            )
        if self.tax_rate_percent is not None and self.tax_rate_percent > 100:
            raise ValidationError({"tax_rate_percent": _("消費税率は100%以下にしてください。")})
        if self.pk and self.stripe_setup_price_id:
            # Stripe prices cannot change; the subscriptions on them would bill the old amounts.
            before = Plan.objects.filter(pk=self.pk).values(*self.PRICE_FIELDS).first() or {}
            if any(before.get(name) != getattr(self, name) for name in self.PRICE_FIELDS):
                raise ValidationError(
                    _(
                        "Stripeで使っているプランの金額は変えられません。新しいプランを作ってください。"
                    )
                )

    @property
    def setup_fee_with_tax(self) -> int:
        return with_tax(self.setup_fee, self.tax_rate_percent)

    @property
    def monthly_fee_with_tax(self) -> int:
        return with_tax(self.monthly_fee, self.tax_rate_percent)

    @property
    def extra_mail_price_with_tax(self) -> int:
        return with_tax(self.extra_mail_price, self.tax_rate_percent)


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("銀行振込")
    STRIPE = "stripe", _("クレジットカード")


class BillingAccount(models.Model):
    """How one association pays: its plan history, payment method, Stripe ids and standing."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("利用中")
        SUSPENDED = "suspended", _("配信停止中（未払い）")

    association = models.OneToOneField(
        Association,
        on_delete=models.PROTECT,
        related_name="billing_account",
        verbose_name=_("自治会"),
    )
    # The first billed month (its first day). The month an association signs up in is free.
    starts_on = models.DateField(_("請求開始月"))
    payment_method = models.CharField(
        _("支払い方法"),
        max_length=20,
        choices=PaymentMethod.choices,
        default=PaymentMethod.BANK_TRANSFER,
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    suspended_at = models.DateTimeField(_("配信停止日時"), null=True, blank=True)
    # The association's own 適格請求書発行事業者 number, if it has one (rare for a 自治会);
    # sent to Stripe as a jp_trn tax id.
    registration_number = models.CharField(_("登録番号（お持ちの場合）"), max_length=14, blank=True)
    stripe_customer_id = models.CharField(_("Stripeの顧客ID"), max_length=100, blank=True)
    stripe_subscription_id = models.CharField(
        _("Stripeのサブスクリプション"), max_length=100, blank=True
    )
    stripe_subscription_status = models.CharField(
        _("Stripeのサブスクリプションの状態"), max_length=30, blank=True
    )
    # Time of the newest Stripe event applied to the subscription fields: an older event that
    # arrives later is ignored (Stripe does not guarantee the order of events).
    stripe_subscription_event_at = models.DateTimeField(null=True, blank=True)
    stripe_payment_failed_at = models.DateTimeField(
        _("Stripeで支払に失敗した日時"), null=True, blank=True
    )
    # Usage from this instant on is sent to Stripe as meter events (the subscription's start).
    stripe_metered_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("請求先")
        verbose_name_plural = _("請求先")

    def __str__(self) -> str:
        return str(self.association)


class PlanAssignment(models.Model):
    """The plan an account is on from a month on; a change takes effect on the next month."""

    account = models.ForeignKey(
        BillingAccount, on_delete=models.PROTECT, related_name="plan_assignments"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, verbose_name=_("プラン"))
    effective_from = models.DateField(_("適用開始月"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "effective_from"], name="one_plan_per_account_month"
            )
        ]
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return f"{self.plan} ({self.effective_from:%Y-%m})"


class UsageEvent(models.Model):
    """One metered use (a mail accepted by the mail server), recorded once per key."""

    class Kind(models.TextChoices):
        MAIL = "mail", _("メール配信")

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=1)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    # When the event was sent to Stripe as a meter event (Stripe accounts only).
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # The idempotency key: a redelivered message inserts nothing (ON CONFLICT DO NOTHING).
            models.UniqueConstraint(
                fields=["association", "kind", "key"], name="usage_event_once_per_key"
            )
        ]
        indexes = [
            models.Index(fields=["association", "occurred_at"], name="usage_by_month"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class DocumentSequence(models.Model):
    """The last number handed out per document series; numbers are never reused.

    The row is locked (SELECT … FOR UPDATE) until the issuing transaction commits, so numbers
    are gapless: a rolled-back issue gives its number back before anyone else can take it.
    """

    series = models.CharField(max_length=20, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.series} {self.last}"


_IMMUTABLE = _("発行済みの書類は変更できません。訂正は返還インボイスで行います。")


class IssuedDocumentError(ValidationError):
    """An issued invoice, credit note or receipt was about to be changed or deleted."""


class _IssuedQuerySet(models.QuerySet):
    # Bulk writes skip save(); an issued document may only change its settlement fields.
    mutable_fields: frozenset[str] = frozenset()

    def update(self, **kwargs: object) -> int:
        frozen = set(kwargs) - self.mutable_fields
        if frozen:
            raise IssuedDocumentError(_IMMUTABLE)
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise IssuedDocumentError(_("発行済みの書類は削除できません。"))


class _InvoiceQuerySet(_IssuedQuerySet):
    mutable_fields = frozenset({"paid_on"})


class _IssuedDocument(models.Model):
    """Refuses edits and deletion of an issued document (all documents are issued at creation)."""

    mutable_fields: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        issued = getattr(self, "_issued_values", None)
        if issued is not None or (self.pk and not self._state.adding):
            changed = {
                name
                for name, value in (issued or {}).items()
                if name not in self.mutable_fields
                and value is not models.DEFERRED
                and getattr(self, name) != value
            }
            if changed or issued is None:
                raise IssuedDocumentError(_IMMUTABLE)
        super().save(*args, **kwargs)  # type: ignore[arg-type]  # save()'s arguments passed through
        self._issued_values = {
            f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields
        }

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise IssuedDocumentError(_("発行済みの書類は削除できません。"))

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._issued_values = dict(zip(field_names, values, strict=True))
        return instance


class Invoice(_IssuedDocument):
    """A qualified invoice (適格請求書) for one billing month of one association.

    It carries the monthly fee of its month (paid in advance), the overage of the month before
    (paid in arrears) and, on the first one, the setup fee: the same cycle as a Stripe
    subscription renewing on the 1st, so both payment methods bill alike.
    """

    mutable_fields = frozenset({"paid_on"})

    number = models.CharField(_("請求書番号"), max_length=20, unique=True)
    account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="invoices")
    billing_month = models.DateField(_("請求月"))
    issued_on = models.DateField(_("発行日"))
    due_on = models.DateField(_("お支払い期限"))
    # Snapshots: a document keeps what it said when issued, even if names or settings change.
    recipient_name = models.CharField(_("宛名"), max_length=100)
    issuer_name = models.CharField(max_length=200)
    issuer_address = models.CharField(max_length=300)
    issuer_phone = models.CharField(max_length=50)
    issuer_registration_number = models.CharField(max_length=14)
    bank_account = models.CharField(max_length=300)
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    subtotal = models.PositiveIntegerField(_("小計（税抜）"))
    tax = models.PositiveIntegerField(_("消費税"))
    total = models.PositiveIntegerField(_("合計（税込）"))
    # The day the invoice was settled in full (payments and credit notes); the subsidy counts
    # a cost from this date.
    paid_on = models.DateField(_("入金完了日"), null=True, blank=True)

    objects = _InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("請求書")
        verbose_name_plural = _("請求書")
        ordering = ["-billing_month", "-number"]
        constraints = [
            # The monthly close is safe to run twice: one invoice per account and month.
            models.UniqueConstraint(
                fields=["account", "billing_month"], name="one_invoice_per_account_month"
            )
        ]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(_IssuedDocument):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    category = models.CharField(
        max_length=10, choices=[(Category.SETUP, _("初期費用")), (Category.USAGE, _("利用料"))]
    )
    description = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    quantity = models.PositiveIntegerField()
    unit_price = models.PositiveIntegerField()
    amount = models.PositiveIntegerField()
    tax_rate_percent = models.PositiveSmallIntegerField()

    objects = _IssuedQuerySet.as_manager()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.description


class CreditNote(_IssuedDocument):
    """A 返還インボイス (適格返還請求書): money given back on an issued invoice, never an edit."""

    number = models.CharField(_("番号"), max_length=20, unique=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    issued_on = models.DateField(_("発行日"))
    reason = models.CharField(_("理由"), max_length=200)
    recipient_name = models.CharField(max_length=100)
    issuer_name = models.CharField(max_length=200)
    issuer_registration_number = models.CharField(max_length=14)
    subtotal = models.PositiveIntegerField()
    tax = models.PositiveIntegerField()
    total = models.PositiveIntegerField()

    objects = _IssuedQuerySet.as_manager()

    class Meta:
        verbose_name = _("返還インボイス")
        verbose_name_plural = _("返還インボイス")
        ordering = ["-issued_on", "-number"]

    def __str__(self) -> str:
        return self.number


class CreditNoteLine(_IssuedDocument):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=10)
    description = models.CharField(max_length=200)
    amount = models.PositiveIntegerField()
    tax_rate_percent = models.PositiveSmallIntegerField()

    objects = _IssuedQuerySet.as_manager()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.description


class Payment(models.Model):
    """Money received from (or refunded to) an association, as the operator or Stripe saw it.

    A payment is spread over the account's open invoices, oldest first (allocations); what is
    left is the account's credit (前受金), applied to the next invoice when it is issued. A
    refund of credit by bank transfer is a negative payment.
    """

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("銀行振込")
        STRIPE = "stripe", _("クレジットカード（Stripe）")
        REFUND = "refund", _("返金（振込）")

    account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("種類"), max_length=20, choices=Method.choices)
    amount = models.IntegerField(_("金額"))
    received_on = models.DateField(_("入金日"))
    # Stripe invoice id, or the bank's reference; a reference is recorded once per method.
    reference = models.CharField(_("参照番号"), max_length=100, blank=True)
    note = models.CharField(_("メモ"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("記録した人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("入金")
        verbose_name_plural = _("入金")
        ordering = ["received_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["method", "reference"],
                condition=~Q(reference=""),
                name="payment_reference_once",
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="payment_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount:,}"


class PaymentAllocation(models.Model):
    """The part of a payment (or of the account's credit) that settles one invoice."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.amount:,}"


class Receipt(_IssuedDocument):
    """A 領収書 for an invoice paid in full."""

    number = models.CharField(_("領収書番号"), max_length=20, unique=True)
    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="receipt")
    issued_on = models.DateField(_("発行日"))
    amount = models.PositiveIntegerField(_("金額"))
    recipient_name = models.CharField(max_length=100)
    issuer_name = models.CharField(max_length=200)
    issuer_registration_number = models.CharField(max_length=14)

    objects = _IssuedQuerySet.as_manager()

    class Meta:
        verbose_name = _("領収書")
        verbose_name_plural = _("領収書")

    def __str__(self) -> str:
        return self.number


class Reminder(models.Model):
    """An overdue reminder mailed to the owners; one per invoice per day at most."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invoice", "sent_on"], name="one_reminder_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.sent_on}"


class StripeEvent(models.Model):
    """A Stripe webhook event already processed: a replayed event changes nothing."""

    event_id = models.CharField(max_length=100, primary_key=True)
    type = models.CharField(max_length=100)
    created = models.DateTimeField()
    processed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.event_id
