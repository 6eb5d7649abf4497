"""Billing pages on an association's host (staff only)."""

from django.urls import path

from billing import views

urlpatterns = [
    path("staff/billing/", views.billing_home, name="staff_billing"),
    path("staff/billing/invoices/<str:number>.pdf", views.invoice_pdf, name="staff_invoice_pdf"),
    path("staff/billing/receipts/<str:number>.pdf", views.receipt_pdf, name="staff_receipt_pdf"),
    path(
        "staff/billing/credit-notes/<str:number>.pdf",
        views.credit_note_pdf,
        name="staff_credit_note_pdf",
    ),
    path("staff/billing/card/", views.card_setup, name="staff_billing_card"),
    path("staff/billing/card/portal/", views.card_portal, name="staff_billing_card_portal"),
]
