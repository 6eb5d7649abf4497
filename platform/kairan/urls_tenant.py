"""URLs of an association's host (<slug>.BASE_DOMAIN): residents' pages and staff pages."""

from django.urls import include, path

from tenants import views as tenant_views

urlpatterns = [
    path("", include("delivery.urls")),
    path("staff/subsidy/", include("subsidy.urls_staff")),
    path("", include("billing.urls")),
    path("accounts/", include("allauth.urls")),
    path("staff/enter/<str:token>/", tenant_views.staff_enter, name="staff_enter"),
    path("staff/audit/", tenant_views.staff_audit, name="staff_audit"),
    path("i18n/", include("django.conf.urls.i18n")),
]
