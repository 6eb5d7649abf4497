from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import Association
from tenants.slugs import SLUG_MAX, slug_normalize, slug_problem


class AssociationForm(forms.Form):
    name = forms.CharField(label=_("団体名"), max_length=100, help_text=_("例：一関市○○自治会"))
    representative = forms.CharField(label=_("代表者の職・氏名"), max_length=100)
    address = forms.CharField(label=_("所在地"), max_length=200)
    slug = forms.CharField(
        label=_("サブドメイン"),
        max_length=SLUG_MAX + 10,
        help_text=_("住民向けページのアドレスになります（半角英小文字・数字・ハイフン）。"),
    )

    def clean_slug(self) -> str:
        slug = slug_normalize(self.cleaned_data["slug"])
        problem = slug_problem(slug)
        if problem:
            raise forms.ValidationError(problem)
        if Association.objects.filter(slug__iexact=slug).exists():
            raise forms.ValidationError(_("このサブドメインはすでに使われています。"))
        return slug
