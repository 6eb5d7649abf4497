"""The platform's prices (public schema). Everything in integer yen, tax-exclusive."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """A price list: the setup fee (初期費用) and the monthly usage fee (利用料) with its mails."""

    code = models.SlugField(unique=True)
    name = models.CharField(_("プラン名"), max_length=100)
    setup_fee = models.PositiveIntegerField(_("初期費用（税抜）"))
    monthly_fee = models.PositiveIntegerField(_("月額利用料（税抜）"))
    mails_included = models.PositiveIntegerField(_("月額に含まれる配信数"))
    extra_mail_price = models.PositiveIntegerField(_("追加配信1通の単価（税抜）"))
    tax_rate_percent = models.PositiveSmallIntegerField(_("消費税率（%）"), default=10)
    currency = models.CharField(max_length=3, default="JPY", editable=False)
    is_default = models.BooleanField(_("新しい自治会の標準プラン"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(currency="JPY"), name="plan_currency_jpy"),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_plan"
            ),
        ]

    def __str__(self) -> str:
        return self.name
