"""The city's ICT subsidy (public schema): programs, applications, their documents and history.

Everything here lives in the public schema because the city reviews every association's
application in one place. Documents and audit records are append-only: a database trigger
(migration 0001) refuses UPDATE and DELETE on them, so a frozen PDF stays what was submitted
whatever the code above it does.
"""

from datetime import date

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from subsidy.calculations import Category, Prepayment, Rules
from subsidy.workflow import Action, Actor, Status


class City(models.Model):
    """A municipality that runs the subsidy (一関市)."""

    name = models.CharField(_("市町村名"), max_length=50, unique=True)
    # Official documents are addressed to the mayor by title: 一関市長 様.
    addressee = models.CharField(_("申請書の宛先"), max_length=50)
    department = models.CharField(_("担当課"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("市")
        verbose_name_plural = _("市")

    def __str__(self) -> str:
        return self.name


class CityStaff(models.Model):
    """A city clerk: the only kind of account that may open the city portal (/city/)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="city_staff"
    )
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="staff")
    is_active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("市の担当者")
        verbose_name_plural = _("市の担当者")

    def __str__(self) -> str:
        return f"{self.user} ({self.city})"


class CategoryChoices(models.TextChoices):
    SETUP = Category.SETUP.value, _("システム導入に係る経費（初期費用）")
    USAGE = Category.USAGE.value, _("システム運用に係る経費（利用料）")
    EQUIPMENT = Category.EQUIPMENT.value, _("パソコン等の設備購入費")
    INTERNET = Category.INTERNET.value, _("インターネット回線の開通・利用料")
    OTHER = Category.OTHER.value, _("その他")


# Short names for narrow tables on phones.
CATEGORY_SHORT = {
    Category.SETUP.value: _("導入費"),
    Category.USAGE.value: _("利用料"),
    Category.EQUIPMENT.value: _("パソコン等"),
    Category.INTERNET.value: _("回線"),
    Category.OTHER.value: _("その他"),
}


class Program(models.Model):
    """One city's subsidy for one fiscal year: every rule as data (SUBSIDY.md "Program")."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="programs")
    fiscal_year = models.PositiveSmallIntegerField(_("年度（西暦の開始年）"))
    name = models.CharField(_("補助金の名称"), max_length=100)
    project_name = models.CharField(_("事業名"), max_length=100)
    # The city's rules the application cites (…の規定により申請します).
    rules_name = models.CharField(_("交付規則の名称"), max_length=100)
    rate_numerator = models.PositiveSmallIntegerField(_("補助率（分子）"))
    rate_denominator = models.PositiveSmallIntegerField(_("補助率（分母）"))
    truncation_unit = models.PositiveIntegerField(_("切捨ての単位（円）"))
    cap = models.PositiveIntegerField(_("補助限度額（円）"))
    eligible_cost_cap = models.PositiveIntegerField(_("事業費上限（円）"))
    eligible_categories = models.JSONField(_("補助対象の経費"))
    excluded_categories = models.JSONField(_("補助対象外の経費"))
    applications_open_on = models.DateField(_("申請の受付開始日"))
    applications_close_on = models.DateField(_("申請の受付終了日"))
    # The window starts at each application's grant decision and ends here.
    window_end = models.DateField(_("対象経費の期限"))
    report_due_on = models.DateField(_("実績報告の期限"))
    tax_inclusive = models.BooleanField(_("税込みの額を対象にする"), default=True)
    prepayment = models.CharField(
        _("3月31日を越える前払いの扱い"),
        max_length=16,
        choices=[
            (Prepayment.PRO_RATA.value, _("3月までの月数で按分（1円未満切捨て）")),
            (Prepayment.FULL.value, _("全額を対象にする")),
        ],
        default=Prepayment.PRO_RATA.value,
    )
    edition = models.CharField(_("出典（パンフレットの版など）"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("補助金の年度ごとの制度")
        verbose_name_plural = _("補助金の年度ごとの制度")
        ordering = ["-fiscal_year", "city__name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "fiscal_year"], name="one_program_per_year"),
            models.CheckConstraint(
                condition=Q(rate_numerator__gt=0)
                & Q(rate_denominator__gte=models.F("rate_numerator")),
                name="program_rate_is_a_fraction",
            ),
            models.CheckConstraint(
                condition=Q(truncation_unit__gt=0), name="program_unit_positive"
            ),
            models.CheckConstraint(
                condition=Q(applications_open_on__lte=models.F("applications_close_on"))
                & Q(applications_close_on__lte=models.F("window_end")),
                name="program_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.fiscal_year} {self.name}"

    def rules(self) -> Rules:
        return Rules(
            rate_numerator=self.rate_numerator,
            rate_denominator=self.rate_denominator,
            unit=self.truncation_unit,
            cap=self.cap,
            eligible_cost_cap=self.eligible_cost_cap,
            eligible_categories=frozenset(self.eligible_categories),
            window_end=self.window_end,
            tax_inclusive=self.tax_inclusive,
            prepayment=Prepayment(self.prepayment),
        )

    def accepts_applications_on(self, day: date) -> bool:
        return self.applications_open_on <= day <= self.applications_close_on


class Application(models.Model):
    """One association's application for one program, from draft to payment.

    Figures the association types are copied here (an application is a document, not a view
    of the association's current record); the vendor's prices are copied from billing's
    default plan whenever the draft is saved, and frozen with the submitted estimate.
    """

    class AccountType(models.TextChoices):
        ORDINARY = "ordinary", _("普通")
        CURRENT = "current", _("当座")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="applications")
    association = models.ForeignKey(
        "tenants.Association", on_delete=models.PROTECT, related_name="subsidy_applications"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状態"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )

    # Applicant (申請者), as written on the form.
    applicant_name = models.CharField(_("団体名"), max_length=100)
    applicant_address = models.CharField(_("所在地"), max_length=200)
    representative_title = models.CharField(_("代表者の職"), max_length=30)
    representative_name = models.CharField(_("代表者の氏名"), max_length=50)
    phone = models.CharField(_("電話番号"), max_length=20)

    # Plan (事業計画).
    system_name = models.CharField(_("導入するシステム"), max_length=100)
    vendor_name = models.CharField(_("システム提供業者"), max_length=100)
    households = models.PositiveIntegerField(_("世帯数"))
    registrants = models.PositiveIntegerField(_("登録予定者数"))
    planned_start = models.DateField(_("事業の着手予定日"))
    planned_end = models.DateField(_("事業の完了予定日"))
    include_setup_fee = models.BooleanField(_("初期費用を含める"), default=True)
    planned_equipment_cost = models.PositiveIntegerField(
        _("パソコン等の購入費（予定・補助対象外）"), default=0
    )
    planned_internet_cost = models.PositiveIntegerField(
        _("インターネット回線の費用（予定・補助対象外）"), default=0
    )
    setup_fee = models.PositiveIntegerField(_("初期費用（税抜）"))
    monthly_fee = models.PositiveIntegerField(_("月額利用料（税抜）"))
    tax_rate_percent = models.PositiveSmallIntegerField(_("消費税率（%）"))
    requested_amount = models.PositiveIntegerField(_("交付申請額"), default=0)
    seal_on_application = models.BooleanField(_("申請書に印の欄を付ける"), default=False)
    submitted_on = models.DateField(_("申請日"), null=True, blank=True)
    return_reason = models.TextField(_("差し戻しの理由"), blank=True)

    # Grant decision (交付決定).
    decision_date = models.DateField(_("交付決定日"), null=True, blank=True)
    decision_number = models.CharField(_("交付決定番号"), max_length=50, blank=True)
    granted_amount = models.PositiveIntegerField(_("交付決定額"), null=True, blank=True)

    # Performance report (実績報告).
    started_on = models.DateField(_("事業の着手日"), null=True, blank=True)
    completed_on = models.DateField(_("事業の完了日"), null=True, blank=True)
    reported_on = models.DateField(_("実績報告日"), null=True, blank=True)
    actual_eligible_cost = models.PositiveIntegerField(_("補助対象経費（実績）"), null=True)
    computed_amount = models.PositiveIntegerField(_("実績による算出額"), null=True)
    seal_on_report = models.BooleanField(_("実績報告書に印の欄を付ける"), default=False)

    # Confirmation (額の確定).
    confirmed_amount = models.PositiveIntegerField(_("確定額"), null=True, blank=True)
    confirmed_on = models.DateField(_("額の確定日"), null=True, blank=True)

    # Claim (交付請求) and payment.
    bank_name = models.CharField(_("金融機関名"), max_length=50, blank=True)
    bank_code = models.CharField(_("金融機関コード"), max_length=4, blank=True)
    branch_name = models.CharField(_("支店名"), max_length=50, blank=True)
    branch_code = models.CharField(_("支店コード"), max_length=3, blank=True)
    account_type = models.CharField(
        _("預金の種類"), max_length=10, choices=AccountType.choices, blank=True
    )
    account_number = models.CharField(_("口座番号"), max_length=7, blank=True)
    account_holder = models.CharField(_("口座名義（カナ）"), max_length=60, blank=True)
    seal_on_claim = models.BooleanField(_("請求書に印の欄を付ける"), default=True)
    claimed_on = models.DateField(_("請求日"), null=True, blank=True)
    paid_on = models.DateField(_("支払日"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("補助金の申請")
        verbose_name_plural = _("補助金の申請")
        ordering = ["-fiscal_year", "applicant_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "fiscal_year"], name="one_application_per_year"
            ),
        ]
        indexes = [models.Index(fields=["fiscal_year", "status"])]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.applicant_name} ({self.status})"

    @property
    def number(self) -> str:
        """受付番号 shown to both sides and printed on documents."""
        return f"{self.fiscal_year}-{self.pk:05d}"


class Receipt(models.Model):
    """A receipt or invoice copy (PDF or JPEG) backing one paid cost line.

    Kept in the database beside the report it supports: it is evidence, small, rarely read,
    and must commit or roll back with the line.
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="receipts")
    file_name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=50)
    data = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.file_name


class CostLine(models.Model):
    """A cost actually paid, reported for the subsidy (実績)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("手入力（領収書あり）")
        BILLING = "billing", _("Kairanの請求書（自動）")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="cost_lines"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    category = models.CharField(_("経費の区分"), max_length=16, choices=CategoryChoices.choices)
    description = models.CharField(_("内容"), max_length=100)
    vendor = models.CharField(_("支払先"), max_length=100)
    amount = models.PositiveIntegerField(_("支払額（税込）"))
    tax_amount = models.PositiveIntegerField(_("うち消費税額"), default=0)
    paid_on = models.DateField(_("支払日"))
    service_start = models.DateField(_("利用期間の初日"), null=True, blank=True)
    service_end = models.DateField(_("利用期間の末日"), null=True, blank=True)
    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, null=True, blank=True)
    # For source=billing: the platform's invoice number the line was collected from.
    billing_reference = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tax_amount__lte=models.F("amount")), name="cost_line_tax_within_amount"
            ),
            models.CheckConstraint(
                condition=Q(source="billing") | Q(receipt__isnull=False),
                name="manual_cost_line_has_receipt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.description} {self.amount}"

    @property
    def category_short(self) -> str:
        return str(CATEGORY_SHORT.get(self.category, self.category))


class Document(models.Model):
    """A PDF as submitted: stored bytes with their SHA-256, never regenerated or changed."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("交付申請書類（申請書・事業計画書・収支予算書・見積書）")
        REPORT = "report", _("実績報告書類（実績報告書・収支決算書・支払一覧）")
        CLAIM = "claim", _("交付請求書")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # A returned application is submitted again: each submission is a new version.
    version = models.PositiveSmallIntegerField()
    pdf = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("提出された書類")
        verbose_name_plural = _("提出された書類")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "version"], name="one_document_version"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def file_name(self) -> str:
        return f"{self.application.number}-{self.kind}-{self.version}.pdf"


class AuditRecord(models.Model):
    """Who changed what and when: every transition and every edit of an application."""

    EDIT = "edit"
    CREATE = "create"
    LINE_ADD = "line_add"
    LINE_REMOVE = "line_remove"
    LINES_COLLECT = "lines_collect"
    ACTION_CHOICES = [
        (CREATE, _("作成")),
        (EDIT, _("編集")),
        (LINE_ADD, _("経費の追加")),
        (LINE_REMOVE, _("経費の削除")),
        (LINES_COLLECT, _("請求書からの取り込み")),
        *Action.choices,
    ]

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="audit")
    action = models.CharField(max_length=16, choices=ACTION_CHOICES)
    from_status = models.CharField(max_length=16, choices=Status.choices)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    actor_kind = models.CharField(max_length=10, choices=[*Actor.choices, ("editor", _("編集者"))])
    at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    after = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("操作の記録")
        verbose_name_plural = _("操作の記録")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.from_status}→{self.to_status}"


class RegistryImport(models.Model):
    """One upload of the city's registry of associations (自治会等登録届)."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="registry_imports")
    file_name = models.CharField(max_length=150)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.city} {self.file_name} ({self.rows})"


class RegistryEntry(models.Model):
    """An association that filed 自治会等登録届 with the city: who may apply."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="registry")
    registry_number = models.CharField(_("登録番号"), max_length=30)
    name = models.CharField(_("団体名"), max_length=100)
    representative = models.CharField(_("代表者"), max_length=100, blank=True)
    # Name and representative with widths, spaces and 一関市 prefixes normalised: the key
    # an application is matched on (subsidy.selectors.registry_key).
    name_key = models.CharField(max_length=100, db_index=True)
    representative_key = models.CharField(max_length=100, blank=True)
    source = models.ForeignKey(RegistryImport, on_delete=models.PROTECT, related_name="entries")

    class Meta:
        ordering = ["registry_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "registry_number"], name="one_registry_number_per_city"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registry_number} {self.name}"
