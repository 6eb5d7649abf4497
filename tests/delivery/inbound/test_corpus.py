"""Each mail of the corpus, as its client sends it, parses, classifies and strips as stated in
corpus/expected.json."""

import json
from pathlib import Path

import pytest

from delivery.inbound.answers import answer_choice_match
from delivery.inbound.classification import bounce_details, mail_classify
from delivery.inbound.parsing import mail_parse
from delivery.inbound.quotes import reply_text_extract

CORPUS = Path(__file__).resolve().parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
MAILS = EXPECTED["mails"]


def _mail(name: str):
    return mail_parse(raw=(CORPUS / name).read_bytes())


def test_every_corpus_mail_has_an_expectation() -> None:
    assert sorted(path.name for path in CORPUS.glob("*.eml")) == sorted(MAILS)


@pytest.mark.parametrize("name", sorted(MAILS))
def test_corpus_mail_headers_decode(name: str) -> None:
    expected = MAILS[name]
    mail = _mail(name)
    assert mail.subject == expected["subject"]
    assert mail.from_address == expected["from_address"]
    assert mail.from_name == expected["from_name"]
    assert "\ufffd" not in mail.subject + mail.from_name + mail.text
    if "delivered_to" in expected:
        assert list(mail.delivered_to) == expected["delivered_to"]
    if "in_reply_to" in expected:
        assert mail.in_reply_to == expected["in_reply_to"]


@pytest.mark.parametrize("name", sorted(MAILS))
def test_corpus_mail_is_classified(name: str) -> None:
    assert mail_classify(mail=_mail(name)) == MAILS[name]["kind"]


@pytest.mark.parametrize("name", sorted(n for n in MAILS if "reply_text" in MAILS[n]))
def test_corpus_reply_text_is_extracted(name: str) -> None:
    expected = MAILS[name]
    mail = _mail(name)
    assert mail.text_from_html == expected.get("text_from_html", False)
    assert reply_text_extract(text=mail.text) == expected["reply_text"]


@pytest.mark.parametrize("name", sorted(n for n in MAILS if "answer" in MAILS[n]))
def test_corpus_answer_is_matched(name: str) -> None:
    expected = MAILS[name]
    choices = EXPECTED["questions"][expected["question"]]
    text = reply_text_extract(text=_mail(name).text)
    assert answer_choice_match(text=text, choices=choices) == expected["answer"]


@pytest.mark.parametrize("name", sorted(n for n in MAILS if "bounce" in MAILS[n]))
def test_corpus_bounce_details(name: str) -> None:
    expected = MAILS[name]["bounce"]
    details = bounce_details(mail=_mail(name))
    assert details is not None
    assert [[r.address, r.action, r.status] for r in details.recipients] == expected["recipients"]
    assert details.permanent is expected["permanent"]
    assert details.standard is expected["standard"]
    assert details.reporting_mta == expected["reporting_mta"]
    assert details.original_message_id == expected["original_message_id"]


@pytest.mark.parametrize("name", sorted(n for n in MAILS if "bounce" not in MAILS[n]))
def test_corpus_non_bounces_have_no_bounce_details(name: str) -> None:
    assert bounce_details(mail=_mail(name)) is None


def test_broken_mime_is_read_best_effort_with_its_defects_listed() -> None:
    expected = MAILS["18_broken_mime.eml"]
    mail = _mail("18_broken_mime.eml")
    assert set(expected["defects"]) <= set(mail.defects)
    assert [[a.filename, a.content_type] for a in mail.attachments] == expected["attachments"]
    assert mail.date is None


def test_cp50220_corpus_mail_really_holds_nec_row_13() -> None:
    # The stdlib refuses these bytes: the corpus does test what it claims to.
    raw = (CORPUS / "04_windows_nec_iso2022jp.eml").read_bytes()
    body = raw.split(b"\r\n\r\n", 1)[1]
    with pytest.raises(UnicodeDecodeError):
        body.decode("iso2022_jp")
    assert b"\x1b$B-!" in body  # ① is JIS 0x2D21


def test_standard_iso2022jp_corpus_mail_agrees_with_the_stdlib_codec() -> None:
    raw = (CORPUS / "03_outlook_ja_reply.eml").read_bytes()
    body = raw.split(b"\r\n\r\n", 1)[1].decode("iso2022_jp").replace("\r\n", "\n")
    assert _mail("03_outlook_ja_reply.eml").text == body
