"""Issued documents cannot be changed or deleted, even by SQL that bypasses the models.

Only an invoice's settlement date (paid_on) may change after issue. TRUNCATE (used by test
database flushes) does not fire row triggers.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION billing_issued_document_guard() RETURNS trigger AS $$
DECLARE
    mutable text[] := TG_ARGV;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'issued document %.% cannot be deleted', TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (to_jsonb(NEW) - mutable) IS DISTINCT FROM (to_jsonb(OLD) - mutable) THEN
        RAISE EXCEPTION 'issued document %.% cannot be changed', TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

TABLES = {
    "billing_invoice": "'paid_on'",
    "billing_invoiceline": "",
    "billing_creditnote": "",
    "billing_creditnoteline": "",
    "billing_receipt": "",
}


def _create() -> list[str]:
    return [FUNCTION] + [
        f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION billing_issued_document_guard({args});"
        for table, args in TABLES.items()
    ]


def _drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};" for table in TABLES] + [
        "DROP FUNCTION IF EXISTS billing_issued_document_guard();"
    ]


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_ledger")]
    operations = [migrations.RunSQL(_create(), _drop())]
