import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError

from billing.issuer import issuer_get
from billing.models import Plan
from billing.selectors import plan_default


@pytest.mark.django_db
def test_the_standard_plan_is_the_default() -> None:
    plan = plan_default()
    assert (plan.setup_fee, plan.monthly_fee, plan.tax_rate_percent) == (30000, 3000, 10)


@pytest.mark.django_db
def test_only_yen_plans_exist() -> None:
    with pytest.raises(IntegrityError):
        Plan.objects.create(
            code="usd", name="USD", setup_fee=1, monthly_fee=1, mails_included=1,
            extra_mail_price=1, currency="USD",
        )  # fmt: skip


def test_issuer_registration_number_must_be_t_and_13_digits(settings) -> None:
    settings.ISSUER_REGISTRATION_NUMBER = "T1234567890123"
    assert issuer_get().registration_number == "T1234567890123"
    settings.ISSUER_REGISTRATION_NUMBER = "1234567890123"
    with pytest.raises(ImproperlyConfigured):
        issuer_get()


@pytest.mark.django_db
def test_a_negative_price_is_refused_with_a_clear_message_and_by_the_database() -> None:
    plan = Plan(code="neg", name="X", setup_fee=-1, monthly_fee=1, mails_included=1,
                extra_mail_price=1)  # fmt: skip
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert error.value.message_dict["setup_fee"] == ["金額はマイナスにできません。"]
    with pytest.raises(IntegrityError):
        plan.save()


@pytest.mark.django_db
def test_a_currency_other_than_yen_is_refused_with_a_clear_message() -> None:
    plan = Plan(code="usd", name="X", setup_fee=1, monthly_fee=1, mails_included=1,
                extra_mail_price=1, currency="USD")  # fmt: skip
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "日本円（JPY）だけ" in error.value.message_dict["currency"][0]


@pytest.mark.django_db
def test_prices_are_shown_tax_inclusive() -> None:
    plan = plan_default()
    assert (plan.setup_fee_with_tax, plan.monthly_fee_with_tax) == (33000, 3300)


@pytest.mark.django_db
def test_a_plan_in_use_at_stripe_keeps_its_prices() -> None:
    plan = plan_default()
    plan.stripe_setup_price_id = "price_test_setup"
    plan.save(update_fields=["stripe_setup_price_id"])
    plan.name = "スタンダード（新）"
    plan.full_clean()  # a new name is fine
    plan.monthly_fee = 3500
    with pytest.raises(ValidationError, match="新しいプランを作って"):
        plan.full_clean()
