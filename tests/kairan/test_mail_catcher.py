"""The development mailbox shows the messages kept in its folder and nothing outside it."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from kairan.mail_catcher import caught_mail_get, caught_mail_list
from kairan.views import mailbox_message

MESSAGE = b"From: a@example.jp\r\nTo: b@example.jp\r\nSubject: hello\r\n\r\nbody\r\n"


@pytest.fixture
def folder(tmp_path, settings):
    mail = tmp_path / "mail"
    mail.mkdir()
    (mail / "1-abc.eml").write_bytes(MESSAGE)
    (tmp_path / "secret.eml").write_bytes(MESSAGE)
    (mail / "link.eml").symlink_to(tmp_path / "secret.eml")
    settings.MAIL_CATCHER_DIR = mail
    return mail


def test_a_kept_message_is_read_by_its_name(folder) -> None:
    assert caught_mail_get(folder, "1-abc.eml").message["Subject"] == "hello"


@pytest.mark.parametrize(
    "name", ["..", ".", "", "../secret.eml", "link.eml", "missing.eml", "../mail", "%2E%2E"]
)
def test_a_name_that_is_not_a_kept_message_is_not_found(folder, name: str) -> None:
    request = RequestFactory().get("/dev/mail/x/")
    with pytest.raises(Http404):
        mailbox_message(request, name)


def test_the_list_shows_only_the_messages_in_the_folder(folder) -> None:
    assert [mail.name for mail in caught_mail_list(folder)] == ["1-abc.eml"]
