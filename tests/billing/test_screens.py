"""The association's billing page and PDFs, and the operator's admin."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from billing.models import BillingAccount, CreditNote, Payment, Plan
from billing.selectors import invoice_list, plan_pending
from billing.services.ledger import invoice_issue, payment_record
from tenants.models import Membership, User
from tests.conftest import client_for, second_factor_pass, staff_client
from tests.factories import association_make, billing_account_make, mails_record, user_make

pytestmark = pytest.mark.usefixtures("platform")


def _issued(slug: str, owner: User | None = None):
    association = association_make(slug=slug, owner=owner)
    account = billing_account_make(association, date(2025, 3, 10))
    invoice = invoice_issue(association=association, month=date(2025, 4, 1), today=date(2025, 4, 1))
    return association, account, invoice


def test_staff_see_plan_usage_invoices_and_download_pdfs() -> None:
    owner = user_make()
    association, account, invoice = _issued("hikari", owner)
    payment_record(account=account, amount=36300, received_on=date(2025, 4, 10))
    mails_record(association, 12, timezone.localdate())
    editor = user_make()
    Membership.objects.create(user=editor, association=association, role="editor")

    page = staff_client(association, editor).get("/staff/billing/")
    assert page.status_code == 200
    html = page.content.decode()
    for expected in (
        "スタンダード",
        "3,300円",
        "33,000円",
        "12",
        "2025年4月のご請求",
        "お支払い済み",
    ):
        assert expected in html, expected
    assert "カードを登録する" not in html  # Stripe is not configured here

    pdf = staff_client(association, editor).get(f"/staff/billing/invoices/{invoice.number}.pdf")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF")
    receipt = re.search(r"/staff/billing/receipts/(KR-\d+)\.pdf", html).group(1)
    assert (
        staff_client(association, editor).get(f"/staff/billing/receipts/{receipt}.pdf").status_code
        == 200
    )


def test_another_associations_invoice_is_not_found_and_strangers_must_log_in() -> None:
    owner = user_make()
    mine, _account, _invoice = _issued("kumo", owner)
    _other, _account2, theirs = _issued("ame")
    assert (
        staff_client(mine, owner).get(f"/staff/billing/invoices/{theirs.number}.pdf").status_code
        == 404
    )
    response = client_for(mine).get("/staff/billing/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    outsider = user_make()
    assert staff_client(mine, outsider).get("/staff/billing/").status_code == 403


def test_a_suspended_association_is_told_plainly_that_nothing_is_deleted() -> None:
    owner = user_make()
    association, account, _invoice = _issued("yuki", owner)
    BillingAccount.objects.filter(pk=account.pk).update(status="suspended")
    html = staff_client(association, owner).get("/staff/billing/").content.decode()
    assert "配信を止めています" in html and "データは消えていません" in html


@pytest.fixture
def operator() -> User:
    return User.objects.create_superuser("operator@example.jp", "pw-operator-1")


def _admin(operator: User):
    client = client_for()
    client.force_login(operator)
    second_factor_pass(client, operator)  # the admin needs one (kairan.admin)
    return client


def _account_form(account: BillingAccount, **payment: str) -> dict:
    """The admin's billing-account form as the operator posts it, with one new payment."""
    return {
        "payment_method": "bank_transfer", "status": "active", "registration_number": "",
        "plan_assignments-TOTAL_FORMS": "1", "plan_assignments-INITIAL_FORMS": "1",
        "plan_assignments-MIN_NUM_FORMS": "0", "plan_assignments-MAX_NUM_FORMS": "1000",
        "plan_assignments-0-id": str(account.plan_assignments.get().pk),
        "plan_assignments-0-account": str(account.pk),
        "payments-TOTAL_FORMS": "1", "payments-INITIAL_FORMS": "0",
        "payments-MIN_NUM_FORMS": "0", "payments-MAX_NUM_FORMS": "1000",
        "payments-0-method": "bank_transfer", "payments-0-note": "",
        "payments-0-account": str(account.pk),
        **{f"payments-0-{name}": value for name, value in payment.items()},
    }  # fmt: skip


def test_a_refused_payment_stays_on_the_admin_page_with_its_reason(operator: User) -> None:
    _association, account, _invoice = _issued("hoshi")
    admin = _admin(operator)
    url = f"/admin/billing/billingaccount/{account.pk}/change/"
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    today = timezone.localdate().isoformat()
    refused = [
        ({"amount": "33000", "received_on": tomorrow, "reference": "F-1"}, "今日より後の日付"),
        ({"amount": "-5000", "received_on": today, "reference": "F-2"}, "1円以上"),
    ]
    for payment, reason in refused:
        response = admin.post(url, _account_form(account, **payment))
        page = response.content.decode()
        assert response.status_code == 200 and reason in page
        assert "変更しました" not in page
    assert not Payment.objects.filter(account=account).exists()

    first = _account_form(account, amount="100", received_on=today, reference="OK-1")
    assert admin.post(url, first).status_code == 302
    again = admin.post(url, first).content.decode()
    assert "この参照番号の入金はすでに記録されています。" in again and "制約" not in again
    assert Payment.objects.filter(account=account).count() == 1


def test_operator_records_an_over_payment_and_a_plan_change_in_the_admin(operator: User) -> None:
    _association, account, invoice = _issued("nami")
    light = Plan.objects.create(code="light", name="ライト", setup_fee=0, monthly_fee=1500,
                                mails_included=1000, extra_mail_price=2)  # fmt: skip
    admin = _admin(operator)
    url = f"/admin/billing/billingaccount/{account.pk}/change/"
    assert admin.get(url).status_code == 200
    data = _account_form(account, amount="40000", received_on="2025-04-12", reference="振込-0412")
    data["next_plan"] = str(light.pk)
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    payment = Payment.objects.get(account=account)
    assert (payment.amount, payment.recorded_by) == (40000, operator)
    assert invoice_list().get(pk=invoice.pk).balance == 0
    # The plan chosen in the same form applies from next month.
    assert plan_pending(account=account, month=timezone.localdate()).plan == light
    changelist = admin.get("/admin/billing/billingaccount/").content.decode()
    assert "3,700円" in changelist  # the credit carried forward
    assert admin.get("/admin/billing/invoice/").status_code == 200
    assert (
        admin.get(f"/admin/billing/invoice/{invoice.pk}/pdf/")["Content-Type"] == "application/pdf"
    )


def test_operator_issues_a_credit_note_in_the_admin_and_cannot_over_credit(operator: User) -> None:
    _association, _account, invoice = _issued("kaze")
    admin = _admin(operator)
    too_much = {"invoice": invoice.pk, "reason": "障害", "category": "usage",
                "description": "返金", "amount": "3001"}  # fmt: skip
    response = admin.post("/admin/billing/creditnote/add/", too_much)
    assert response.status_code == 200 and "3,000円" in response.content.decode()
    assert not CreditNote.objects.exists()
    response = admin.post("/admin/billing/creditnote/add/", {**too_much, "amount": "3000"})
    assert response.status_code == 302
    assert CreditNote.objects.get().total == 3300


def test_billing_page_in_english_shows_months_and_yen_the_english_way() -> None:
    owner = user_make()
    association, _account, _invoice = _issued("eigo", owner)
    browser = staff_client(association, owner)

    html = browser.get("/staff/billing/").content.decode()
    assert (
        "2025年4月" in html and "3,300円（税込）" in html and "円（税込、最初の請求書のみ）" in html
    )

    browser.cookies["django_language"] = "en"
    html = browser.get("/staff/billing/").content.decode()
    assert "April 2025" in html and "年" not in html and "円" not in html
    assert "¥3,300 (tax incl.)" in html and "(tax incl., first invoice only)" in html


def test_the_admin_speaks_japanese_to_the_operator(operator: User) -> None:
    _association, account, _invoice = _issued("kotoba")
    admin = _admin(operator)
    index = admin.get("/admin/").content.decode()
    assert "料金・請求" in index and "自治会とアカウント" in index and "操作の記録" in index
    page = admin.get(f"/admin/billing/billingaccount/{account.pk}/change/").content.decode()
    assert "Stripeの顧客ID" in page and "記録した人" in page
    assert "Stripe customer id" not in page and "Recorded by" not in page
