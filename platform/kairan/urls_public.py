"""URLs of the public host (BASE_DOMAIN): landing, accounts, sign-up, the operator's admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from billing import views as billing_views
from delivery.views import inbound as inbound_views
from kairan import views
from tenants import views as tenant_views

urlpatterns = [
    path("", tenant_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    # LOGIN_REDIRECT_URL is /staff/ on every host: here it lists the user's associations.
    path("staff/", tenant_views.my_associations, name="my_associations"),
    path("associations/new/", tenant_views.association_create, name="association_create"),
    path("associations/<slug:slug>/open/", tenant_views.association_open, name="association_open"),
    path("city/", include("subsidy.urls_city")),  # the city's subsidy portal (clerks, MFA)
    path("admin/", admin.site.urls),
    path("billing/stripe/webhook/", billing_views.stripe_webhook, name="stripe_webhook"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Amazon SES → SNS: residents' mail, bounces and complaints (signature-checked).
    path("inbound/ses/", inbound_views.ses_notification, name="inbound_ses"),
]

if settings.MAIL_CATCHER_DIR:
    urlpatterns += [
        path("dev/mail/", views.mailbox, name="mailbox"),
        path("dev/mail/<str:name>/", views.mailbox_message, name="mailbox_message"),
    ]
