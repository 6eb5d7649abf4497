"""Forms of the subsidy pages. They parse what people type; the services decide what is allowed.

Amounts are typed on phones by people who write 33,000円 or ３３０００: those are accepted. A
decimal point or a minus sign is not, with a message that says why.
"""

import re
import unicodedata
from dataclasses import fields

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from subsidy.bank import BankAccount, bank_account_clean
from subsidy.calculations import Category
from subsidy.models import Application, CategoryChoices, Program
from subsidy.services.reports import RECEIPT_MAX_BYTES
from subsidy.workflow import Status

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YenField(forms.CharField):
    """Whole yen: 33000, 33,000, ３３，０００ and 33,000円 all mean 33000."""

    default_error_messages = {
        "required": _("金額を入力してください（ない場合は0）。"),
        "decimal": _("円未満（小数点以下）は入力できません。円単位の整数で入力してください。"),
        "negative": _("マイナスの金額は入力できません。"),
        "invalid": _("金額は数字で入力してください（例：33000）。"),
        "too_large": _("金額が大きすぎます。入力をお確かめください。"),
    }

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)  # type: ignore[arg-type]  # field options passed through
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value: object) -> int | None:  # type: ignore[override]  # returns the parsed int, not a str
        text = unicodedata.normalize("NFKC", str(value or "")).strip()
        text = re.sub(r"[,\s円]", "", text).replace("￥", "").replace("¥", "")
        if not text:
            return None
        if text.startswith(("-", "−", "▲", "△")):
            raise ValidationError(self.error_messages["negative"], code="negative")
        if re.fullmatch(r"\d+\.\d*", text):
            raise ValidationError(self.error_messages["decimal"], code="decimal")
        if not text.isdigit():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if len(text) > 12:
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        return int(text)

    def clean(self, value: object) -> int | None:
        number = self.to_python(value)
        if number is None:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return 0
        return number


class CountField(YenField):
    default_error_messages = {
        "required": _("数を入力してください。"),
        "decimal": _("整数で入力してください。"),
        "negative": _("マイナスの数は入力できません。"),
        "invalid": _("数字で入力してください。"),
        "too_large": _("数が大きすぎます。"),
    }


class ApplicationForm(forms.Form):
    applicant_name = forms.CharField(label=_("団体名"), max_length=100)
    applicant_address = forms.CharField(label=_("所在地"), max_length=200)
    representative_title = forms.CharField(
        label=_("代表者の職"), max_length=30, help_text=_("例：会長")
    )
    representative_name = forms.CharField(label=_("代表者の氏名"), max_length=50)
    phone = forms.CharField(
        label=_("電話番号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    households = CountField(label=_("自治会の世帯数"))
    registrants = CountField(label=_("メールで受け取る予定の人数"))
    planned_start = forms.DateField(
        label=_("使い始める予定の日（着手予定日）"),
        widget=DATE_WIDGET,
        help_text=_("市の交付決定の後の日にしてください。その前に払った費用は補助の対象外です。"),
    )
    planned_end = forms.DateField(label=_("完了予定日"), widget=DATE_WIDGET)
    include_setup_fee = forms.BooleanField(
        label=_("初期費用を見積りに含める（まだ払っていない場合）"), required=False
    )
    planned_equipment_cost = YenField(
        label=_("パソコン等を買う予定の額（円・補助対象外）"), required=False
    )
    planned_internet_cost = YenField(
        label=_("インターネット回線の費用の予定額（円・補助対象外）"), required=False
    )
    seal_on_application = forms.BooleanField(label=_("申請書に押印の欄を付ける"), required=False)


class CostLineForm(forms.Form):
    category = forms.CharField(label=_("何の費用ですか"))
    description = forms.CharField(
        label=_("内容"), max_length=100, help_text=_("例：6月分の利用料、初期設定費用")
    )
    vendor = forms.CharField(label=_("支払先"), max_length=100)
    amount = YenField(label=_("支払った金額（円・税込）"))
    tax_amount = YenField(label=_("うち消費税額（円）"), required=False)
    paid_on = forms.DateField(label=_("支払った日"), widget=DATE_WIDGET)
    service_start = forms.DateField(
        label=_("利用期間の初日（利用料の場合）"), widget=DATE_WIDGET, required=False
    )
    service_end = forms.DateField(
        label=_("利用期間の末日（利用料の場合）"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("1年分などをまとめて払った場合は、その期間を入れてください。"),
    )
    receipt = forms.FileField(
        label=_("領収書（PDFまたは写真）"),
        help_text=_("スマートフォンで撮った写真（JPEG）でかまいません。10MBまで。"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg"}),
    )

    def __init__(self, *args: object, program: Program, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # form arguments passed through
        eligible = [
            (v, label) for v, label in CategoryChoices.choices if v in program.eligible_categories
        ]
        self.fields["category"].widget = forms.Select(choices=eligible)
        if program.tax_inclusive:
            del self.fields["tax_amount"]

    def clean_category(self) -> str:
        # An excluded category is a known value: the service explains why it does not count.
        value = self.cleaned_data["category"]
        if value not in {c.value for c in Category}:
            raise ValidationError(_("何の費用かを選んでください。"))
        return value

    def clean_receipt(self) -> object:
        upload = self.cleaned_data["receipt"]
        if upload.size > RECEIPT_MAX_BYTES:
            raise ValidationError(
                _("ファイルが大きすぎます（%(mb)dMBまで）。") % {"mb": RECEIPT_MAX_BYTES >> 20}
            )
        return upload


class ReportForm(forms.Form):
    started_on = forms.DateField(label=_("事業の着手日（使い始めた日）"), widget=DATE_WIDGET)
    completed_on = forms.DateField(label=_("事業の完了日"), widget=DATE_WIDGET)
    seal = forms.BooleanField(label=_("実績報告書に押印の欄を付ける"), required=False)


class ClaimForm(forms.Form):
    bank_name = forms.CharField(label=_("金融機関名"), max_length=50, help_text=_("例：岩手銀行"))
    bank_code = forms.CharField(
        label=_("金融機関コード（4桁）"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    branch_name = forms.CharField(label=_("支店名"), max_length=50, help_text=_("例：一関支店"))
    branch_code = forms.CharField(
        label=_("支店コード（店番・3桁）"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    account_type = forms.ChoiceField(
        label=_("預金の種類"),
        choices=Application.AccountType.choices,
        widget=forms.RadioSelect,
        initial=Application.AccountType.ORDINARY,
    )
    account_number = forms.CharField(
        label=_("口座番号（7桁）"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    account_holder = forms.CharField(
        label=_("口座名義（カタカナ）"),
        max_length=60,
        help_text=_("通帳に書かれているとおりに入力してください。ひらがなでもかまいません。"),
    )
    seal = forms.BooleanField(label=_("請求書に押印の欄を付ける"), required=False, initial=True)

    def clean(self) -> dict:
        data = super().clean() or {}
        names = [field.name for field in fields(BankAccount)]
        if any(name in self.errors for name in names):
            return data
        try:
            data["account"] = bank_account_clean(**{name: data[name] for name in names})
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field, message)
        return data


# --- City -------------------------------------------------------------------------------------


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("差し戻す理由（自治会に表示されます）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class GrantForm(forms.Form):
    decision_date = forms.DateField(label=_("交付決定日"), widget=DATE_WIDGET)
    decision_number = forms.CharField(
        label=_("交付決定の番号（指令番号）"), max_length=50, help_text=_("例：一関市指令ま第101号")
    )
    granted_amount = YenField(label=_("交付決定額（円）"))


class ConfirmForm(forms.Form):
    confirmed_on = forms.DateField(label=_("額の確定日"), widget=DATE_WIDGET)


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("支払日（振込日）"), widget=DATE_WIDGET)


class RegistryUploadForm(forms.Form):
    file = forms.FileField(
        label=_("自治会等登録届の一覧（CSV）"),
        help_text=_("1行目に「登録番号」「団体名」「代表者」の見出しがあるCSVファイル。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise ValidationError(_("ファイルが大きすぎます（2MBまで）。"))
        return upload


class ApplicationFilterForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    status = forms.ChoiceField(
        label=_("状態"),
        required=False,
        choices=[("", _("すべて"))] + [c for c in Status.choices if c[0] != Status.DRAFT],
    )

    def __init__(self, *args: object, years: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # form arguments passed through
        self.fields["fiscal_year"].choices = [("", _("すべて")), *years]  # type: ignore[attr-defined]  # fiscal_year is a ChoiceField
