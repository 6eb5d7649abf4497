"""The main pages in a real browser: axe-core finds no serious or critical accessibility
problem, and each page is usable on a 360 px wide phone, also with the text at 200%: nothing
scrolls sideways and every control is within reach."""

import importlib
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django_tenants.utils import tenant_context

from billing.services.ledger import invoice_issue
from delivery.links import link_token_make
from delivery.models import Notice
from delivery.questions import question_spec_make
from delivery.services.answers import question_set
from delivery.services.subscriptions import paper_household_add
from tests.browser.conftest import AXE, axe_available, session_cookie
from tests.conftest import client_for, staff_client
from tests.factories import (
    association_make,
    billing_account_make,
    group_make,
    program_make,
    subscriber_make,
    user_make,
)

# axe-core's rules for WCAG 2.0 and 2.1, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}


@pytest.fixture
def pages(site):
    """An association with residents, a notice, an invoice; the main pages, with the
    cookies that open them (a signed-in owner on both hosts)."""
    # A transactional test flushes what data migrations made: the standard plan, again.
    importlib.import_module("billing.migrations.0002_standard_plan").standard_plan_create(
        django_apps, None
    )
    owner = user_make("kaicho@example.org")
    association = association_make(slug="sakura", owner=owner, name="一関市さくら自治会")
    han = group_make(association, "1班")
    group_make(association, "役員", self_selectable=False)
    resident = subscriber_make(association, "佐藤Ａ子", "sato@example.jp", [han])
    with tenant_context(association):
        paper_household_add(display_name="田中家", group_ids=[han.pk])
        notice = Notice.objects.create(
            subject="草刈りのお知らせ", body="日曜日の朝8時から。", to_everyone=True, status="sent"
        )
        # A 安否確認 question: its tally's labels (要支援, 未回答) are the longest.
        question_set(notice=notice, spec=question_spec_make(kind="safety", choices=[]))
        preferences = link_token_make(
            purpose="preferences", subscriber_id=resident.pk, nonce=resident.confirm_nonce
        )
        unsubscribe = link_token_make(purpose="unsubscribe", subscriber_id=resident.pk)
    program_make(date.today().year if date.today().month > 3 else date.today().year - 1)
    billing_account_make(association, date(2025, 3, 10))
    invoice_issue(association=association, month=date(2025, 4, 1), today=date(2025, 4, 1))
    staff_client(association, owner).post("/staff/groups/", {"name": "子ども会"})  # a log line

    public = client_for()
    public.force_login(owner)
    cookies = [
        session_cookie(staff_client(association, owner), f"sakura.{settings.BASE_DOMAIN}"),
        session_cookie(public, settings.BASE_DOMAIN),
    ]
    # (host, path, signed in): residents and visitors see their pages without a session.
    paths = [
        (None, "/", False),
        (None, "/accounts/login/", False),
        (None, "/accounts/signup/", False),
        (None, "/staff/", True),
        (None, "/associations/new/", True),
        ("sakura", "/", False),
        ("sakura", "/join/", False),
        ("sakura", f"/me/{preferences}/", False),
        ("sakura", f"/unsubscribe/{unsubscribe}/", False),
        ("sakura", "/accounts/login/", False),
        ("sakura", "/staff/", True),
        ("sakura", "/staff/notices/new/", True),
        ("sakura", f"/staff/notices/{notice.pk}/", True),
        ("sakura", "/staff/groups/", True),
        ("sakura", "/staff/subscribers/", True),
        ("sakura", f"/staff/subscribers/{resident.pk}/", True),
        ("sakura", "/staff/subscribers/paper/new/", True),
        ("sakura", "/staff/billing/", True),
        ("sakura", "/staff/subsidy/", True),
        ("sakura", "/staff/audit/", True),
        ("sakura", "/accounts/2fa/", True),
    ]
    return [(site.url(path, slug), signed_in) for slug, path, signed_in in paths], cookies


class Browsing:
    """A visitor's and a signed-in owner's tab, side by side, with the same options."""

    def __init__(self, browser, cookies, **options) -> None:
        self.visitor = browser.new_context(locale="ja-JP", **options).new_page()
        owner = browser.new_context(locale="ja-JP", **options)
        owner.add_cookies(cookies)
        self.owner = owner.new_page()

    def open(self, url: str, signed_in: bool):
        page = self.owner if signed_in else self.visitor
        response = page.goto(url)
        assert response.status == 200, url
        assert page.url == url, f"{url} went to {page.url}"
        return page


def test_main_pages_have_no_serious_or_critical_accessibility_problems(
    browser, pages, shots
) -> None:
    axe_available()
    urls, cookies = pages
    # axe is injected as a script file; the page's own policy forbids injected scripts.
    tabs = Browsing(browser, cookies, bypass_csp=True)

    def serious_problems(page) -> list[dict]:
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """tags => axe.run(document, {runOnly: {type: "tag", values: tags}})
                .then(result => result.violations.map(v => ({
                    id: v.id, impact: v.impact,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))})))""",
            AXE_TAGS,
        )
        return [v for v in violations if v["impact"] in SERIOUS]

    # Control: the same check does see a problem when a page has one (a field without a
    # label, an image without a text alternative).
    page = tabs.open(*urls[0])
    page.evaluate(
        "() => { document.body.append(document.createElement('input'));"
        " const image = document.createElement('img'); image.src = '/static/none.png';"
        " document.body.append(image); }"
    )
    assert {v["id"] for v in serious_problems(page)} >= {"label", "image-alt"}

    problems = {}
    for url, signed_in in urls:
        page = tabs.open(url, signed_in)
        serious = serious_problems(page)
        if serious:
            problems[url] = serious
            shots.take(page, "axe-" + url.split("//", 1)[1].replace("/", "_")[:60])
    assert problems == {}


FIT = """() => {
    const width = document.documentElement.clientWidth;
    const controls = [...document.querySelectorAll("a[href], button, input, select, textarea")]
        .filter(e => e.type !== "hidden" && e.getClientRects().length > 0);
    const outside = controls
        .map(e => [e, e.getBoundingClientRect()])
        .filter(([e, r]) => r.left < -1 || r.right > width + 1)
        .map(([e, r]) => `${e.tagName} ${(e.name || e.textContent).trim().slice(0, 30)} `
             + `${Math.round(r.left)}..${Math.round(r.right)}`);
    return {scroll: document.documentElement.scrollWidth, width, outside,
            controls: controls.length};
}"""


@pytest.mark.parametrize("text_size", [100, 200])
def test_main_pages_fit_a_360px_phone(browser, pages, shots, text_size) -> None:
    urls, cookies = pages
    tabs = Browsing(browser, cookies, viewport={"width": 360, "height": 740}, is_mobile=True)
    problems = {}
    for url, signed_in in urls:
        page = tabs.open(url, signed_in)
        if text_size != 100:
            # The reader's own text size (browser setting): the stylesheet sizes everything in
            # rem from the root's size, so doubling the root doubles all text.
            page.evaluate(
                "size => { const root = document.documentElement;"
                " root.style.fontSize = (parseFloat(getComputedStyle(root).fontSize) * size / 100)"
                " + 'px'; }",
                text_size,
            )
        fit = page.evaluate(FIT)
        assert fit["controls"] > 0, url
        if fit["scroll"] > fit["width"] + 1 or fit["outside"]:
            problems[url] = fit
        shots.take(page, url.split("//", 1)[1].replace("/", "_")[:60])
    assert problems == {}


@pytest.mark.parametrize("text_size", [100, 200])
def test_tally_labels_stay_on_one_line_on_a_360px_phone(browser, pages, text_size) -> None:
    urls, cookies = pages
    [notice_url] = [url for url, _ in urls if "/staff/notices/" in url and "new" not in url]
    tabs = Browsing(browser, cookies, viewport={"width": 360, "height": 740}, is_mobile=True)
    page = tabs.open(notice_url, True)
    page.evaluate(
        "size => { document.documentElement.style.fontSize = size * 18 / 100 + 'px'; }",
        text_size,
    )
    lines = page.evaluate(
        """() => [...document.querySelectorAll('#tally th[scope="row"]')].map(th => {
            const range = document.createRange(); range.selectNodeContents(th);
            return [th.textContent.trim(), range.getClientRects().length]; })"""
    )
    assert dict(lines) == {"要支援": 1, "未回答": 1, "不在": 1, "無事": 1}
    assert page.evaluate(FIT)["scroll"] <= 361
