from django.db import migrations

# Frozen documents and the audit trail must never change, whatever code runs above them:
# PostgreSQL itself refuses UPDATE and DELETE on these tables (TRUNCATE, used only by test
# flushes, does not fire row triggers).
FORWARD = """
CREATE FUNCTION subsidy_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are append-only', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER subsidy_document_append_only BEFORE UPDATE OR DELETE ON subsidy_document
    FOR EACH ROW EXECUTE FUNCTION subsidy_append_only();
CREATE TRIGGER subsidy_auditrecord_append_only BEFORE UPDATE OR DELETE ON subsidy_auditrecord
    FOR EACH ROW EXECUTE FUNCTION subsidy_append_only();
"""
BACKWARD = """
DROP TRIGGER subsidy_auditrecord_append_only ON subsidy_auditrecord;
DROP TRIGGER subsidy_document_append_only ON subsidy_document;
DROP FUNCTION subsidy_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("subsidy", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
