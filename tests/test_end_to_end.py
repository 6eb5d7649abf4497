"""The product's main job, end to end, on the real PostgreSQL, Redis broker and SMTP:
an association signs up, residents subscribe, notices reach exactly whom they should."""

import re

import pytest
from django.test import Client

from tests.conftest import client_for, jobs_finish, notice_post
from tests.factories import owner_totp_enrol

pytestmark = pytest.mark.usefixtures("transactional_platform")

HOST = "hikari.kairan.test"


def _path(url: str) -> str:
    return re.sub(r"^http://[^/]+", "", url)


def _link(text: str, kind: str) -> str:
    return _path(re.search(rf"http://\S+/{kind}/\S+/", text).group(0))


def test_signup_join_send_unsubscribe(mail_sink, worker, settings) -> None:
    settings.MFA_TOTP_TOLERANCE = 1  # see owner_totp_enrol
    # The secretary signs up on the public host and verifies her address.
    public = client_for()
    public.post(
        "/accounts/signup/",
        {
            "email": "secretary@example.org",
            "password1": "Hikari-2026!",
            "password2": "Hikari-2026!",
        },
    )
    [verification] = mail_sink.wait_for(1)
    public.post(
        _path(re.search(r"http://\S+/accounts/confirm-email/\S+/", verification.text).group(0))
    )
    created = public.post(
        "/associations/new/",
        {
            "name": "ひかり町内会",
            "representative": "会長 光太郎",
            "address": "一関市",
            "slug": "hikari",
        },
    )
    assert created.status_code == 302

    # On the association's host the owner sets up an authenticator app (owners need one).
    staff = Client(HTTP_HOST=HOST)
    staff.get(_path(created["Location"]))
    owner_totp_enrol(staff, "Hikari-2026!")
    assert staff.get("/staff/").status_code == 200
    for name in ["1班", "2班"]:
        assert (
            staff.post("/staff/groups/", {"name": name, "self_selectable": "on"}).status_code == 302
        )
    groups = dict(re.findall(r'value="(\d+)"[^>]*> (\d班)', staff.get("/join/").content.decode()))
    han = {name: pk for pk, name in groups.items()}

    # Three residents join from their phones and confirm by the links they receive.
    residents = {
        "a@example.jp": ("佐藤Ａ子", "1班"),
        "b@example.jp": ("鈴木Ｂ男", "1班"),
        "c@example.jp": ("山田Ｃ美", "2班"),
    }
    for address, (name, group) in residents.items():
        response = Client(HTTP_HOST=HOST).post(
            "/join/", {"address": address, "display_name": name, "groups": [han[group]]}
        )
        assert response.status_code == 302
    jobs_finish(worker)
    mail_sink.wait_for(1 + 3)
    for address in residents:
        [confirmation] = mail_sink.to(address)
        assert Client(HTTP_HOST=HOST).post(_link(confirmation.text, "confirm")).status_code == 200
    jobs_finish(worker)
    mail_sink.wait_for(1 + 3 + 3)  # welcome mails

    # Staff send a notice to 1班: exactly its two members receive it, once each.
    response = notice_post(
        staff,
        {"groups": [han["1班"]], "subject": "総会の出欠", "body": "来週の総会に出席しますか。"},
    )
    assert response.status_code == 302
    jobs_finish(worker)
    mail_sink.wait_for(1 + 3 + 3 + 2)
    notices = [m for m in mail_sink.messages() if "総会の出欠" in m.message["Subject"]]
    assert sorted(m.message["To"] for m in notices) == ["a@example.jp", "b@example.jp"]
    assert len({m.message["Message-ID"] for m in notices}) == 2
    progress = staff.get(response["Location"]).content.decode()
    assert re.search(r'stat-number">2</span> 送信済み', progress)

    # One of them leaves with the one-click POST their mail provider makes (RFC 8058).
    leaving = next(m for m in notices if m.message["To"] == "b@example.jp")
    assert leaving.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = leaving.message["List-Unsubscribe"].strip().strip("<>")
    provider = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    response = provider.post(_path(unsubscribe_url), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200

    # The second notice to 1班 reaches only the one who stayed.
    notice_post(
        staff,
        {"groups": [han["1班"]], "subject": "清掃のお知らせ", "body": "日曜日の朝です。"},
    )
    jobs_finish(worker)
    mail_sink.wait_for(1 + 3 + 3 + 2 + 1)
    second = [m for m in mail_sink.messages() if "清掃のお知らせ" in m.message["Subject"]]
    assert [m.message["To"] for m in second] == ["a@example.jp"]
    assert (
        mail_sink.to("c@example.jp")[-1].message["Subject"].strip().endswith("登録が完了しました")
    )
