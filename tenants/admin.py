"""The operator's view of the staff audit log: read-only, as PostgreSQL keeps it."""

from django.contrib import admin

from kairan.admin import ReadOnlyAdmin
from tenants.models import StaffAction


@admin.register(StaffAction)
class StaffActionAdmin(ReadOnlyAdmin):
    # The account is shown by name or number (actor_label), never by its login address.
    list_display = ["at", "association", "actor_label", "role", "action", "target"]
    list_filter = ["action", "role"]
    search_fields = ["association__name", "association__slug", "target"]
    fields = [
        "at",
        "association",
        "user_id",
        "actor_label",
        "role",
        "action",
        "target",
        "target_id",
    ]
    readonly_fields = fields
    date_hierarchy = "at"
    list_select_related = ["association"]
