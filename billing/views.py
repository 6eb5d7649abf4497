"""Billing pages: the association's own billing page and PDFs (tenant host, staff only), and
Stripe's webhook (public host)."""

import json
import logging

import stripe
from django.conf import settings
from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing import documents, selectors
from billing.calculations import month_start
from billing.models import BillingAccount, CreditNote, Invoice, Receipt
from billing.services.accounts import account_ensure
from billing.services.stripe_sync import (
    stripe_card_setup_start,
    stripe_event_process,
    stripe_portal_url,
)
from billing.stripe_gateway import stripe_configured
from tenants.http import StaffRequest
from tenants.models import Membership
from tenants.permissions import staff_required

logger = logging.getLogger(__name__)


@staff_required
def billing_home(request: StaffRequest) -> HttpResponse:
    account = account_ensure(association=request.tenant)
    month = month_start(timezone.localdate())
    invoices = (
        selectors.invoice_list()
        .filter(account=account)
        .select_related("receipt")
        .prefetch_related("credit_notes")
    )
    context = {
        "account": account,
        "usage": selectors.usage_summary(account=account, month=month),
        "pending": selectors.plan_pending(account=account, month=month),
        "invoices": invoices,
        "credit": selectors.account_credit(account=account),
        "suspended": account.status == BillingAccount.Status.SUSPENDED,
        "grace_days": settings.BILLING_GRACE_DAYS,
        "stripe_enabled": stripe_configured(),
        "is_owner": request.membership.role == Membership.Role.OWNER,
        "card_done": request.GET.get("card") == "done",
    }
    return render(request, "billing/staff/home.html", context)


def _pdf(content: bytes, number: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    return response


@staff_required
def invoice_pdf(request: StaffRequest, number: str) -> HttpResponse:
    invoice = get_object_or_404(Invoice, number=number, account__association=request.tenant)
    return _pdf(documents.invoice_pdf(invoice=invoice), invoice.number)


@staff_required
def receipt_pdf(request: StaffRequest, number: str) -> HttpResponse:
    receipt = get_object_or_404(
        Receipt.objects.select_related("invoice"),
        number=number,
        invoice__account__association=request.tenant,
    )
    return _pdf(documents.receipt_pdf(receipt=receipt), receipt.number)


@staff_required
def credit_note_pdf(request: StaffRequest, number: str) -> HttpResponse:
    note = get_object_or_404(
        CreditNote.objects.select_related("invoice"),
        number=number,
        invoice__account__association=request.tenant,
    )
    return _pdf(documents.credit_note_pdf(credit_note=note), note.number)


def _owner_with_stripe(request: StaffRequest) -> None:
    if not stripe_configured():
        raise Http404
    if request.membership.role != Membership.Role.OWNER:
        raise Http404


@staff_required
@require_POST
def card_setup(request: StaffRequest) -> HttpResponse:
    """Owners only: to Stripe Checkout to enter a card; card payment starts next month."""
    _owner_with_stripe(request)
    here = request.build_absolute_uri(reverse("staff_billing"))
    try:
        url = stripe_card_setup_start(
            association=request.tenant, success_url=f"{here}?card=done", cancel_url=here
        )
    except stripe.StripeError:
        logger.exception("stripe checkout could not start")
        messages.error(
            request, _("カード決済の画面を開けませんでした。時間をおいてお試しください。")
        )
        return HttpResponseRedirect(here)
    return HttpResponseRedirect(url)


@staff_required
@require_POST
def card_portal(request: StaffRequest) -> HttpResponse:
    """Owners only: to Stripe's customer portal to change the card."""
    _owner_with_stripe(request)
    here = request.build_absolute_uri(reverse("staff_billing"))
    return HttpResponseRedirect(stripe_portal_url(association=request.tenant, return_url=here))


@csrf_exempt  # Stripe signs the request instead; it carries no cookie or CSRF token.
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's events, verified by signature; each event id is applied once."""
    if not stripe_configured():
        raise Http404
    try:
        signature = request.headers.get("Stripe-Signature", "")
        stripe.Webhook.construct_event(request.body, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError):
        return HttpResponseBadRequest("invalid signature", content_type="text/plain")
    # The verified raw body, read as plain JSON: the handlers only need ids and numbers.
    event = json.loads(request.body)
    stripe_event_process(
        event_id=event["id"],
        event_type=event["type"],
        created=int(event["created"]),
        obj=event["data"]["object"],
    )
    return HttpResponse("ok", content_type="text/plain")
