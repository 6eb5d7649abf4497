from django.db import migrations


def standard_plan_create(apps, schema_editor):
    # Tax-exclusive; with 10% tax these are the brochure-style figures the subsidy scenarios
    # use: a ¥33,000 setup fee and ¥3,300 a month.
    apps.get_model("billing", "Plan").objects.get_or_create(
        code="standard",
        defaults={
            "name": "スタンダード",
            "setup_fee": 30000,
            "monthly_fee": 3000,
            "mails_included": 3000,
            "extra_mail_price": 1,
            "tax_rate_percent": 10,
            "is_default": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(standard_plan_create, migrations.RunPython.noop)]
