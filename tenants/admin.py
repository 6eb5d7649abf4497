"""The operator's view of staff accounts and of the staff audit log (read-only, as
PostgreSQL keeps it)."""

from django.contrib import admin
from django.http import HttpRequest

from kairan.admin import ReadOnlyAdmin
from tenants.models import StaffAction, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """Accounts are found here by address (for a clerk, say) and can be switched off; they
    are made by allauth's sign-up (operators by `createsuperuser`), and a password is never
    shown or set here, not even as a hash: people reset their own through allauth."""

    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["email"]
    fields = [
        "email",
        "first_name",
        "last_name",
        "is_active",
        "is_staff",
        "is_superuser",
        "last_login",
        "date_joined",
    ]
    # Who is an operator is decided on the server (createsuperuser), not by a checkbox.
    readonly_fields = ["email", "is_staff", "is_superuser", "last_login", "date_joined"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Memberships, clerks and the audit log point at accounts: switch them off instead.
        return False


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
