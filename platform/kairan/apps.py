from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class KairanConfig(AppConfig):
    name = "kairan"
    verbose_name = "Kairan"

    def ready(self) -> None:
        # Actors bind to the global broker when their module is imported, which happens after
        # every app is ready; setting it here comes first.
        from kairan.broker import broker_configure

        broker_configure()


class KairanAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the operator's site: allauth sign-in and a second factor."""

    default = False  # "kairan" alone still means KairanConfig

    default_site = "kairan.admin.KairanAdminSite"
