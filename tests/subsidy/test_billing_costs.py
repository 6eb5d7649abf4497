"""The performance report collects the platform's own paid invoices as cost lines."""

from datetime import date

import pytest

from billing.services.ledger import invoice_issue, payment_record
from subsidy.models import CostLine
from subsidy.selectors import actual_figures
from tests.conftest import staff_client
from tests.factories import (
    application_make,
    association_make,
    billing_account_make,
    clerk_make,
)
from tests.subsidy.journeys import granted, owner_of

pytestmark = pytest.mark.usefixtures("platform")


def test_paid_invoices_after_the_grant_become_cost_lines_once() -> None:
    association = association_make(slug="kaede")
    account = billing_account_make(association, date(2024, 4, 15))
    application = granted(application_make(association), clerk_make())
    # May's invoice (setup + usage) was paid before the grant of 10 June: not eligible.
    invoice_issue(association=association, month=date(2024, 5, 1), today=date(2024, 5, 1))
    payment_record(account=account, amount=36300, received_on=date(2024, 5, 20))
    june = invoice_issue(association=association, month=date(2024, 6, 1), today=date(2024, 6, 1))
    payment_record(account=account, amount=3300, received_on=date(2024, 6, 25))
    july = invoice_issue(association=association, month=date(2024, 7, 1), today=date(2024, 7, 1))
    payment_record(account=account, amount=3300, received_on=date(2024, 7, 25))

    browser = staff_client(association, owner_of(application))
    url = f"/staff/subsidy/{application.pk}/report/collect/"
    response = browser.post(url, follow=True)
    assert response.status_code == 200
    assert "2件の経費を取り込みました" in response.content.decode()
    lines = list(application.cost_lines.order_by("paid_on"))
    assert [(c.source, c.category, c.amount, c.billing_reference) for c in lines] == [
        (CostLine.Source.BILLING, "usage", 3300, june.number),
        (CostLine.Source.BILLING, "usage", 3300, july.number),
    ]
    figures = actual_figures(application)
    assert figures.eligible_cost == 6600
    assert figures.computed == 4000  # 6,600 × 2/3 = 4,400 → 4,000 (千円未満切捨て)

    again = browser.post(url, follow=True)
    assert "新しく取り込める支払い済みの請求書はありません" in again.content.decode()
    assert application.cost_lines.count() == 2


def test_collecting_before_the_grant_is_refused() -> None:
    association = association_make(slug="momiji")
    application = application_make(association)
    browser = staff_client(association, owner_of(application))
    response = browser.post(f"/staff/subsidy/{application.pk}/report/collect/")
    assert response.status_code == 409
    assert not application.cost_lines.exists()
