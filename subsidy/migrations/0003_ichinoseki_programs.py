from datetime import date

from django.db import migrations

# The brochure (一関市まちづくり推進課, R4年3月作成, R5年3月更新) in its two editions: the first
# counts costs until 令和5年3月31日 (令和4年度), the update until 令和6年3月31日 (令和5年度).
# The city's 要綱 is not public: where the brochure is silent these are SUBSIDY.md's defaults.
EDITIONS = [
    (2022, "補助金の概要（R4年3月作成）：対象経費と実績報告の期限 令和5年3月31日"),
    (2023, "補助金の概要（R5年3月更新）：対象経費と実績報告の期限 令和6年3月31日"),
]


def programs_create(apps, schema_editor):
    City = apps.get_model("subsidy", "City")
    Program = apps.get_model("subsidy", "Program")
    city, _created = City.objects.get_or_create(
        name="一関市", defaults={"addressee": "一関市長", "department": "まちづくり推進課"}
    )
    for fiscal_year, edition in EDITIONS:
        end = date(fiscal_year + 1, 3, 31)
        Program.objects.get_or_create(
            city=city,
            fiscal_year=fiscal_year,
            defaults={
                "name": "自治会等ICT導入支援補助金",
                "project_name": "自治会情報共有システム導入事業",
                "rules_name": "一関市補助金交付規則",
                "rate_numerator": 2,
                "rate_denominator": 3,
                "truncation_unit": 1000,
                "cap": 50000,
                "eligible_cost_cap": 75000,
                "eligible_categories": ["setup", "usage"],
                "excluded_categories": ["equipment", "internet", "other"],
                "applications_open_on": date(fiscal_year, 4, 1),
                "applications_close_on": end,
                "window_end": end,
                "report_due_on": end,
                "tax_inclusive": True,
                "prepayment": "pro_rata",
                "edition": edition,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("subsidy", "0002_append_only")]
    operations = [migrations.RunPython(programs_create, migrations.RunPython.noop)]
