"""The product's main job in a real browser: an association signs up (with an authenticator
app for its owner), residents join from their phones and confirm, staff compose and send a
notice that asks who will come, a resident answers by replying and changes her mind by the
one-click link on her phone, and the tally shows her last answer. Screenshots of each step
are kept."""

import re
import smtplib
import time
from email.message import EmailMessage

from django_tenants.utils import tenant_context

from delivery.models import Reply
from tenants.models import Association
from tests.browser.conftest import csp_violations
from tests.conftest import jobs_finish
from tests.factories import totp_code

PASSWORD = "Ichinoseki-2026!"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def _submit(page, selector: str) -> None:
    """Click a form's button and wait for the page it leads to (on a busy machine the next
    step would otherwise race the navigation)."""
    with page.expect_navigation():
        page.click(selector)


def _link(text: str, kind: str) -> str:
    return re.search(rf"http://\S+/{kind}/\S+/", text).group(0)


def test_sign_up_compose_send_then_residents_confirm_and_answer(
    site, browser, shots, mail_sink, worker, listener
) -> None:
    staff = browser.new_context(locale="ja-JP")
    page = staff.new_page()
    complaints = csp_violations(page)

    # The secretary signs up on the public host and confirms her address.
    page.goto(site.url("/accounts/signup/"))
    page.fill("input[name=email]", "kaicho@example.org")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    shots.take(page, "signup")
    _submit(page, "form button[type=submit]")
    [verification] = mail_sink.wait_for(1)
    page.goto(_link(verification.text, "accounts/confirm-email"))
    _submit(page, "main form button[type=submit]")

    # Her association, with its own host.
    page.goto(site.url("/associations/new/"))
    page.fill("input[name=name]", "一関市ひかり自治会")
    page.fill("input[name=representative]", "会長 一関太郎")
    page.fill("input[name=address]", "岩手県一関市竹山町")
    page.fill("input[name=slug]", "hikari")
    shots.take(page, "association-new")
    _submit(page, "main form button[type=submit]")

    # Owners need an authenticator app: the password once more, then the app's code.
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    assert "自治会の管理者は二段階認証が必要です" in page.content()
    shots.take(page, "password-again")
    page.fill("input[name=password]", PASSWORD)
    _submit(page, "main form button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    shots.take(page, "authenticator-set-up")
    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", totp_code(secret))
    _submit(page, "main form button[type=submit]")
    page.goto(site.url("/staff/", "hikari"))
    page.wait_for_url(re.compile(r"/accounts/2fa/reauthenticate/"))
    page.fill("input[name=code]", totp_code(secret, time.time() + 30))
    _submit(page, "main form button[type=submit]")
    page.wait_for_url(site.url("/staff/", "hikari"))
    assert "一関市ひかり自治会" in page.content()
    shots.take(page, "staff-home")

    page.goto(site.url("/staff/groups/", "hikari"))
    for name in ("1班", "2班"):
        page.fill("input[name=name]", name)
        _submit(page, "main form button[type=submit]")
    shots.take(page, "groups")

    # Two residents join from their phones and confirm by the links they receive.
    for number, (name, address, group) in enumerate(
        [("佐藤", "sato@example.jp", "1班"), ("鈴木", "suzuki@example.jp", "2班")], start=2
    ):
        phone = browser.new_context(locale="ja-JP", **PHONE).new_page()
        phone.goto(site.url("/join/", "hikari"))
        phone.fill("input[name=address]", address)
        phone.fill("input[name=display_name]", name)
        phone.get_by_label(group).check()
        shots.take(phone, f"join-{number}")
        _submit(phone, "main form button[type=submit]")
        confirmation = mail_sink.wait_for(number)[-1]
        assert confirmation.message["To"] == address
        phone.goto(_link(confirmation.text, "confirm"))
        _submit(phone, "main form button[type=submit]")
        assert "登録が完了しました" in phone.content() or "登録しました" in phone.content()
        shots.take(phone, f"confirmed-{number}")
        phone.context.close()
    mail_sink.wait_for(5)  # two welcome mails as well

    # Staff write to 1班, review, send.
    page.goto(site.url("/staff/notices/new/", "hikari"))
    page.get_by_label("1班").check()
    page.fill("input[name=subject]", "草刈りのお知らせ")
    page.fill("textarea[name=body]", "日曜日の朝8時から草刈りをします。出欠をご返信ください。")
    page.get_by_label("出欠を聞く（出席／欠席）").check()
    shots.take(page, "compose")
    _submit(page, "button[name=step][value=review]")
    shots.take(page, "review")
    _submit(page, "button[name=step][value=send]")
    jobs_finish(worker)
    [notice] = [m for m in mail_sink.wait_for(6) if "草刈り" in (m.message["Subject"] or "")]
    assert notice.message["To"] == "sato@example.jp"  # 1班 only
    page.reload()
    shots.take(page, "sent")

    # The resident answers from her mail app; the reply reaches the association by name.
    answer = EmailMessage()
    answer["From"], answer["To"] = "sato@example.jp", notice.message["Reply-To"]
    answer["Subject"] = "Re: " + notice.message["Subject"]
    answer.set_content("出席します。\n\n> 日曜日の朝8時から草刈りをします。")
    with smtplib.SMTP("127.0.0.1", listener) as smtp:
        smtp.send_message(answer)
    deadline = time.monotonic() + 15
    association = Association.objects.get(slug="hikari")
    while True:
        jobs_finish(worker)
        with tenant_context(association):
            replies = list(Reply.objects.select_related("subscriber"))
        if replies or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    answers = [(reply.subscriber.display_name, reply.text.strip()) for reply in replies]
    assert answers == [("佐藤", "出席します。")]
    page.goto(site.url(f"/staff/notices/{replies[0].notice_id}/", "hikari"))
    tally = page.locator("#tally")
    assert tally.locator("tr", has_text="出席").locator(".stat-number").inner_text() == "1"

    # She changes her mind on her phone: the mail's link for 欠席, a confirm page, one button.
    links = dict(re.findall(r"^\d\. (\S+)\n(http://\S+)$", notice.text, re.MULTILINE))
    phone = browser.new_context(locale="ja-JP", **PHONE).new_page()
    phone.goto(links["欠席"])
    assert "「欠席」と回答します。" in phone.content()
    assert "いまの回答は「出席」です。" in phone.content()
    shots.take(phone, "answer-confirm")
    _submit(phone, "main form button[type=submit]")
    shots.take(phone, "answer-done")
    phone.context.close()
    page.reload()
    tally = page.locator("#tally")
    assert tally.locator("tr", has_text="欠席").locator(".stat-number").inner_text() == "1"
    assert tally.locator("tr", has_text="出席").locator(".stat-number").inner_text() == "0"
    shots.take(page, "tally")

    assert complaints == []
    staff.close()
