from django import forms
from django.utils.translation import gettext_lazy as _

from delivery.models import Group
from delivery.selectors import group_list


class GroupChoiceField(forms.ModelMultipleChoiceField):
    """Group checkboxes labelled with how many active subscribers each reaches."""

    def label_from_instance(self, obj: Group) -> str:
        return _("%(name)s（%(count)d人）") % {"name": obj.name, "count": obj.active_count}


class JoinForm(forms.Form):
    address = forms.EmailField(
        label=_("メールアドレス"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={
            "required": _("メールアドレスを入力してください。"),
            "invalid": _("メールアドレスの形が正しくありません（例：taro@example.jp）。"),
        },
    )
    display_name = forms.CharField(
        label=_("表示名"),
        max_length=50,
        help_text=_("自治会の担当者に見える名前です（例：佐藤Ａ子）。メールアドレスは見えません。"),
        error_messages={"required": _("表示名を入力してください。")},
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("受け取るグループ"),
        queryset=Group.objects.filter(self_selectable=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("グループ名"), max_length=50)
    self_selectable = forms.BooleanField(
        label=_("登録者が自分で選べる"), required=False, initial=True
    )


class NoticeForm(forms.Form):
    to_everyone = forms.BooleanField(label=_("全員に送る"), required=False)
    groups = GroupChoiceField(
        label=_("グループを選んで送る"),
        queryset=group_list(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    subject = forms.CharField(label=_("件名"), max_length=150)
    body = forms.CharField(label=_("本文"), widget=forms.Textarea(attrs={"rows": 12}))

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("to_everyone") and not data.get("groups"):
            raise forms.ValidationError(_("宛先を選んでください（全員、またはグループ）。"))
        return data
