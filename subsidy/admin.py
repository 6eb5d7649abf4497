"""The operator's view of the subsidy: cities, clerks and programs are edited here; the
applications and their history are read-only (they change only through the workflow)."""

from django.contrib import admin

from kairan.admin import ReadOnlyAdmin
from subsidy.models import Application, AuditRecord, City, CityStaff, Document, Program


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "addressee", "department"]


@admin.register(CityStaff)
class CityStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "city", "is_active"]
    list_filter = ["city", "is_active"]
    autocomplete_fields = ["user"]  # by address (tenants.admin.UserAdmin)


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["city", "fiscal_year", "name", "cap", "window_end", "report_due_on"]
    list_filter = ["city"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["fiscal_year", "applicant_name", "status", "requested_amount", "granted_amount"]
    list_filter = ["fiscal_year", "status"]
    search_fields = ["applicant_name"]


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "application", "action", "from_status", "to_status", "actor"]
    list_filter = ["action"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["application", "kind", "version", "size", "sha256", "created_at"]
    exclude = ["pdf"]
