"""The city portal, under /city/ on the public host."""

from django.urls import path

from subsidy.views import city

urlpatterns = [
    path("", city.home, name="city_home"),
    path("export.csv", city.export, name="city_export"),
    path("registry/", city.registry, name="city_registry"),
    path("applications/<int:application_id>/", city.detail, name="city_application"),
    path("applications/<int:application_id>/return/", city.return_, name="city_return"),
    path("applications/<int:application_id>/grant/", city.grant, name="city_grant"),
    path("applications/<int:application_id>/confirm/", city.confirm, name="city_confirm"),
    path("applications/<int:application_id>/pay/", city.pay, name="city_pay"),
    path(
        "applications/<int:application_id>/documents/<int:document_id>/",
        city.document,
        name="city_document",
    ),
    path(
        "applications/<int:application_id>/receipts/<int:receipt_id>/",
        city.receipt,
        name="city_receipt",
    ),
]
