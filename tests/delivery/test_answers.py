"""Questions and answers: one-click links, paper answers, the live tally, reminders, CSV."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from delivery.audience import Audience
from delivery.links import answer_link_make
from delivery.models import Answer, Delivery, Notice, Question, Reminder, Subscriber
from delivery.questions import question_spec_make
from delivery.services.answers import answer_record, paper_answers_set
from delivery.services.notices import notice_create
from delivery.services.outbound import deliveries_send
from delivery.services.subscriptions import paper_household_add
from tenants.models import Membership
from tests.conftest import client_for, notice_post, staff_client
from tests.factories import association_make, deliveries_run, group_make, subscriber_make

pytestmark = pytest.mark.usefixtures("platform")

RESIDENTS = {"佐藤": "sato@example.jp", "鈴木": "suzuki@example.jp", "山田": "yamada@example.jp"}


def _owner(association):
    return Membership.objects.get(association=association).user


def town_make(slug: str = "town"):
    association = association_make(slug=slug, name="一関市サンプル自治会")
    han = group_make(association, "1班")
    for name, address in RESIDENTS.items():
        subscriber_make(association, name, address.replace("@", f".{slug}@"), [han])
    with tenant_context(association):
        paper_household_add(display_name="田中家", group_ids=[han.pk])
        Delivery.objects.update(status="sent")  # the welcome mails are not under test here
    return association


@pytest.fixture
def town():
    return town_make()


def notice_ask(association, kind: str = "attendance", choices=(), subject: str = "総会の出欠"):
    with tenant_context(association):
        notice = notice_create(
            author=_owner(association),
            subject=subject,
            body="6月14日に総会を開きます。",
            audience=Audience(everyone=True),
            question=question_spec_make(kind=kind, choices=list(choices)),
        )
    deliveries_run(association)
    with tenant_context(association):
        return Notice.objects.get(pk=notice.pk)


def _links(mail) -> list[str]:
    return re.findall(r"http://[a-z0-9.]+/a/([^/\s]+)/", mail.text)


def _mail_to(mail_sink, name: str, slug: str = "town"):
    address = RESIDENTS[name].replace("@", f".{slug}@")
    [mail] = [m for m in mail_sink.messages() if m.message["To"] == address]
    return mail


def _answers(association) -> dict[str, tuple[int, str]]:
    with tenant_context(association):
        return {
            a.subscriber.display_name: (a.choice, a.source)
            for a in Answer.objects.select_related("subscriber")
        }


def test_notice_mail_has_a_link_per_choice_and_links_to_archive_and_library(town, mail_sink):
    notice_ask(town)
    mails = mail_sink.wait_for(3)
    mail = _mail_to(mail_sink, "佐藤")
    text = mail.text
    assert "出欠をお知らせください。" in text
    assert "1. 出席" in text and "2. 欠席" in text
    assert len(_links(mail)) == 2
    assert "http://town.kairan.test/archive/" in text
    assert "http://town.kairan.test/library/" in text
    assert "返信して" in text  # answering by reply is explained
    # Each resident's links are their own.
    assert len({link for m in mails for link in _links(m)}) == 6


def test_one_click_get_asks_first_post_records_and_the_last_answer_wins(town, mail_sink) -> None:
    notice_ask(town)
    mail_sink.wait_for(3)
    attend, absent = _links(_mail_to(mail_sink, "佐藤"))
    browser = client_for(town)

    page = browser.get(f"/a/{absent}/")  # what a mail scanner or link preview does
    assert page.status_code == 200
    assert "「欠席」と回答します。" in page.content.decode()
    assert _answers(town) == {}

    done = browser.post(f"/a/{absent}/")
    assert done.status_code == 200
    assert "「欠席」と回答しました" in done.content.decode()
    assert _answers(town) == {"佐藤": (1, "link")}
    assert browser.post(f"/a/{absent}/").status_code == 200  # again: nothing new
    with tenant_context(town):
        assert Answer.objects.count() == 1

    assert "いまの回答は「欠席」です" in browser.get(f"/a/{attend}/").content.decode()
    browser.post(f"/a/{attend}/")
    assert _answers(town) == {"佐藤": (0, "link")}


def test_forged_foreign_and_impossible_links_are_refused_and_store_nothing(town, mail_sink):
    other = town_make("mura")
    notice = notice_ask(town)
    notice_ask(other)
    mail_sink.wait_for(6)
    [attend, _absent] = _links(_mail_to(mail_sink, "佐藤"))
    [foreign, _] = _links(_mail_to(mail_sink, "佐藤", slug="mura"))
    with tenant_context(town):
        sato = Subscriber.objects.get(display_name="佐藤")
        paper = Subscriber.objects.get(display_name="田中家")
        beyond = answer_link_make(subscriber_id=sato.pk, notice_id=notice.pk, choice=2)
        not_sent = answer_link_make(subscriber_id=paper.pk, notice_id=notice.pk, choice=0)
        no_notice = answer_link_make(subscriber_id=sato.pk, notice_id=notice.pk + 99, choice=0)
    forged = attend[:-3] + ("AAA" if not attend.endswith("AAA") else "BBB")
    browser = client_for(town)
    for token, status in [
        (forged, 400),
        (foreign, 400),  # association mura's link on town's host
        (beyond, 404),
        (not_sent, 404),
        (no_notice, 404),
        ("not-a-token", 400),
    ]:
        assert browser.get(f"/a/{token}/").status_code == status, token
        assert browser.post(f"/a/{token}/").status_code == status, token
    assert _answers(town) == {}
    assert _answers(other) == {}


def test_answering_closes_reply_accept_days_after_the_mail(town, mail_sink, settings) -> None:
    settings.REPLY_ACCEPT_DAYS = 30
    notice_ask(town)
    mail_sink.wait_for(3)
    [attend, _] = _links(_mail_to(mail_sink, "佐藤"))
    with tenant_context(town):
        Delivery.objects.filter(kind="notice").update(
            created_at=timezone.now() - timedelta(days=31)
        )
    browser = client_for(town)
    assert browser.get(f"/a/{attend}/").status_code == 410
    response = browser.post(f"/a/{attend}/")
    assert response.status_code == 410
    assert "受け付けは終わりました" in response.content.decode()
    assert _answers(town) == {}


def test_an_older_answer_arriving_late_does_not_replace_a_newer_one(town, mail_sink) -> None:
    notice = notice_ask(town)
    now = timezone.now()
    with tenant_context(town):
        question = Question.objects.get(notice=notice)
        sato = Subscriber.objects.get(display_name="佐藤")
        assert answer_record(
            question=question, subscriber_id=sato.pk, choice=0, source="link", answered_at=now
        )
        assert not answer_record(
            question=question,
            subscriber_id=sato.pk,
            choice=1,
            source="reply",
            answered_at=now - timedelta(minutes=5),
        )
        with pytest.raises(ValidationError):
            answer_record(question=question, subscriber_id=sato.pk, choice=2, source="link")
    assert _answers(town) == {"佐藤": (0, "link")}


def test_staff_enter_paper_answers_and_they_count_in_the_tally(town, mail_sink) -> None:
    notice = notice_ask(town)
    browser = staff_client(town, _owner(town))
    with tenant_context(town):
        household = Subscriber.objects.get(display_name="田中家")
    page = browser.get(f"/staff/notices/{notice.pk}/paper-answers/")
    assert page.status_code == 200
    assert "田中家" in page.content.decode()
    assert "佐藤" not in page.content.decode()  # mail residents answer for themselves

    saved = browser.post(f"/staff/notices/{notice.pk}/paper-answers/", {f"h{household.pk}": "1"})
    assert saved.status_code == 302
    assert _answers(town) == {"田中家": (1, "paper")}
    with tenant_context(town):
        assert Answer.objects.get().entered_by == _owner(town).email

    tally = browser.get(f"/staff/notices/{notice.pk}/tally/").content.decode()
    assert re.search(r"欠席</th>.*?<span class=\"stat-number\">1</span>", tally, re.S)

    refused = browser.post(f"/staff/notices/{notice.pk}/paper-answers/", {f"h{household.pk}": "7"})
    assert refused.status_code == 400
    cleared = browser.post(f"/staff/notices/{notice.pk}/paper-answers/", {f"h{household.pk}": ""})
    assert cleared.status_code == 302
    assert _answers(town) == {}


def test_paper_answers_for_anyone_but_the_notices_paper_households_store_nothing(town, mail_sink):
    notice = notice_ask(town)
    with tenant_context(town):
        question = Question.objects.get(notice=notice)
        household = Subscriber.objects.get(display_name="田中家")
        sato = Subscriber.objects.get(display_name="佐藤")
        with pytest.raises(ValidationError):
            paper_answers_set(
                question=question,
                answers={household.pk: 0, sato.pk: 1},
                households=[household.pk, sato.pk],
                author=_owner(town),
            )
        with pytest.raises(ValidationError):
            paper_answers_set(
                question=question, answers={999: 0}, households=[household.pk], author=_owner(town)
            )
    assert _answers(town) == {}


def test_notice_page_shows_the_tally_and_non_responders_by_name(town, mail_sink) -> None:
    notice = notice_ask(town)
    mail_sink.wait_for(3)
    client_for(town).post(f"/a/{_links(_mail_to(mail_sink, '鈴木'))[0]}/")
    page = staff_client(town, _owner(town)).get(f"/staff/notices/{notice.pk}/").content.decode()
    tally = page[page.index('id="tally"') :]
    no_answer = tally[tally.index("未回答の方（3人）") : tally.index("回答した方の名前を見る")]
    for name in ("佐藤", "山田", "田中家（紙）"):
        assert name in no_answer
    assert "鈴木" not in no_answer
    assert 'hx-get="/staff/notices/' in page  # polled while the page is open
    assert "example.jp" not in page  # residents by name, never by address


def test_safety_mode_puts_need_help_and_no_answer_first(town, mail_sink) -> None:
    notice = notice_ask(town, kind="safety", subject="台風の後の安否確認")
    mail_sink.wait_for(3)
    browser = client_for(town)
    browser.post(f"/a/{_links(_mail_to(mail_sink, '佐藤'))[0]}/")  # 無事
    browser.post(f"/a/{_links(_mail_to(mail_sink, '鈴木'))[1]}/")  # 要支援
    tally = staff_client(town, _owner(town)).get(f"/staff/notices/{notice.pk}/tally/")
    html = tally.content.decode()
    rows = re.findall(r'<th scope="row">([^<]+)</th>', html)
    assert rows == ["要支援", "未回答", "不在", "無事"]
    assert '<tr class="tally-urgent">' in html
    need_help = html[html.index("要支援の方（1人）") :]
    assert need_help.index("鈴木") < need_help.index("未回答の方（2人）")


def test_remind_reaches_only_those_who_have_not_answered(town, mail_sink) -> None:
    notice = notice_ask(town)
    mail_sink.wait_for(3)
    client_for(town).post(f"/a/{_links(_mail_to(mail_sink, '佐藤'))[0]}/")
    staff = staff_client(town, _owner(town))
    page = staff.get(f"/staff/notices/{notice.pk}/").content.decode()
    assert "未回答の方に、もう一度お願いを送る" in page

    response = staff.post(f"/staff/notices/{notice.pk}/remind/", follow=True)
    assert "まだ回答していない2人" in response.content.decode()
    assert deliveries_run(town) == 2
    reminders = mail_sink.wait_for(5)[3:]
    assert sorted(m.message["To"] for m in reminders) == [
        "suzuki.town@example.jp",
        "yamada.town@example.jp",
    ]
    for mail in reminders:
        assert "ご回答のお願い：総会の出欠" in mail.message["Subject"]
        assert len(_links(mail)) == 2
        # The reply address of the reminder is a reply address of this notice too.
        assert mail.message["Reply-To"].startswith("town+r-")

    again = staff.post(f"/staff/notices/{notice.pk}/remind/", follow=True)
    assert "少し前に送ったばかり" in again.content.decode()
    with tenant_context(town):
        assert Reminder.objects.count() == 1
        assert Delivery.objects.filter(kind="reminder").count() == 2


def test_one_who_answers_before_the_reminder_leaves_gets_none(town, mail_sink) -> None:
    notice = notice_ask(town)
    mail_sink.wait_for(3)
    staff_client(town, _owner(town)).post(f"/staff/notices/{notice.pk}/remind/")
    client_for(town).post(f"/a/{_links(_mail_to(mail_sink, '山田'))[1]}/")
    assert deliveries_run(town) == 2
    with tenant_context(town):
        states = dict(
            Delivery.objects.filter(kind="reminder").values_list(
                "subscriber__display_name", "status"
            )
        )
        ids = list(Delivery.objects.filter(kind="reminder").values_list("pk", flat=True))
        # A job the broker hands out again finds nothing left to claim.
        assert deliveries_send(delivery_ids=ids) == 0
    assert states == {"山田": "cancelled", "佐藤": "sent", "鈴木": "sent"}
    assert len(mail_sink.wait_for(5)) == 5


def test_remind_is_refused_when_everyone_answered_or_there_is_no_question(town, mail_sink):
    notice = notice_ask(town)
    mail_sink.wait_for(3)
    browser = client_for(town)
    for name in RESIDENTS:
        browser.post(f"/a/{_links(_mail_to(mail_sink, name))[0]}/")
    staff = staff_client(town, _owner(town))
    response = staff.post(f"/staff/notices/{notice.pk}/remind/", follow=True)
    assert "全員が回答済み" in response.content.decode()
    with tenant_context(town):
        plain = notice_create(
            author=_owner(town), subject="お知らせ", body="本文", audience=Audience(everyone=True)
        )
    assert staff.post(f"/staff/notices/{plain.pk}/remind/").status_code == 404
    with tenant_context(town):
        assert not Reminder.objects.exists()


def test_answers_csv_opens_in_excel_with_names_only(town, mail_sink) -> None:
    notice = notice_ask(town)
    mail_sink.wait_for(3)
    with tenant_context(town):
        Subscriber.objects.filter(display_name="山田").update(display_name="=HYPERLINK(1)")
    client_for(town).post(f"/a/{_links(_mail_to(mail_sink, '佐藤'))[1]}/")
    response = staff_client(town, _owner(town)).get(f"/staff/notices/{notice.pk}/answers.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    data = response.content
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data[3:].decode("utf-8").split("\r\n")
    assert lines[0] == "表示名,受け取り方,回答,回答の方法,回答日時,備考"
    assert lines[1].startswith("'=HYPERLINK(1),メール,未回答,")
    assert any(line.startswith("佐藤,メール,欠席,メールのリンク,20") for line in lines)
    assert any(line.startswith("田中家,紙,未回答") for line in lines)
    assert b"@" not in data


def test_the_compose_form_adds_a_question_of_ones_own(town) -> None:
    staff = staff_client(town, _owner(town))
    fields = {
        "to_everyone": "on",
        "subject": "夏祭りの手伝い",
        "body": "手伝っていただける方は…",
        "question_kind": "custom",
        "question_prompt": "お手伝いいただけますか",
        "question_choices": "午前\r\n午後\r\n\r\n難しい",
    }
    review = notice_post(staff, fields, step="review")
    assert review.status_code == 200
    assert "1. 午前" in review.content.decode() and "3. 難しい" in review.content.decode()
    assert notice_post(staff, fields).status_code == 302
    with tenant_context(town):
        question = Question.objects.get()
    assert (question.kind, question.prompt) == ("custom", "お手伝いいただけますか")
    assert question.choices == ["午前", "午後", "難しい"]

    refused = notice_post(staff, {**fields, "subject": "別件", "question_choices": "ひとつだけ"})
    assert refused.status_code == 400
    assert "選択肢は2個から6個まで" in refused.content.decode()
    with tenant_context(town):
        assert not Notice.objects.filter(subject="別件").exists()


def test_editing_a_scheduled_notice_keeps_or_changes_its_question(town) -> None:
    staff = staff_client(town, _owner(town))
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    fields = {
        "to_everyone": "on",
        "subject": "防災訓練",
        "body": "9月1日です。",
        "timing": "later",
        "scheduled_at": later,
        "question_kind": "attendance",
    }
    assert notice_post(staff, fields).status_code == 302
    with tenant_context(town):
        notice = Notice.objects.get(subject="防災訓練")
    edit = staff.get(f"/staff/notices/{notice.pk}/edit/").content.decode()
    assert re.search(r'<input[^>]*name="question_kind" value="attendance"[^>]*checked', edit)
    staff.post(f"/staff/notices/{notice.pk}/edit/", {**fields, "subject": "防災訓練（変更）"})
    with tenant_context(town):
        assert Question.objects.get(notice=notice).choices == ["出席", "欠席"]
    staff.post(f"/staff/notices/{notice.pk}/edit/", {**fields, "question_kind": "safety"})
    with tenant_context(town):
        assert Question.objects.get(notice=notice).choices == ["無事", "要支援", "不在"]
    staff.post(f"/staff/notices/{notice.pk}/edit/", {**fields, "question_kind": ""})
    with tenant_context(town):
        assert not Question.objects.filter(notice=notice).exists()


def test_the_paper_pack_carries_a_reply_slip_for_the_question(town, mail_sink) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    notice = notice_ask(town, kind="safety", subject="安否確認")
    response = staff_client(town, _owner(town)).get(f"/staff/notices/{notice.pk}/paper/")
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "回答票" in text and "要支援" in text and "田中家" in text


def test_one_click_answers_work_in_browsers_that_keep_no_cookies(town, mail_sink) -> None:
    notice_ask(town)
    mail_sink.wait_for(3)
    [attend, _] = _links(_mail_to(mail_sink, "佐藤"))
    strict = Client(HTTP_HOST="town.kairan.test", enforce_csrf_checks=True)
    assert strict.post(f"/a/{attend}/").status_code == 200  # no cookie, no CSRF token
    assert _answers(town) == {"佐藤": (0, "link")}
