"""The operator's view of the staff audit log: read-only, as PostgreSQL keeps it."""

from django.contrib import admin
from django.http import HttpRequest

from tenants.models import StaffAction


@admin.register(StaffAction)
class StaffActionAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
