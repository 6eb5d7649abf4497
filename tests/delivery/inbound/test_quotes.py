"""reply_text_extract keeps what the resident wrote and drops quotes, reply headers, signatures."""

import time

import pytest

from delivery.inbound.quotes import reply_text_extract

ORIGINAL = "> 総会の出欠をお知らせください。\n> 1. 出席\n> 2. 欠席\n"


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        # Gmail, Japanese UI.
        (
            "出席します。\n\n2026年6月1日(月) 10:00 山田 <yamada.test@example.jp>:\n\n" + ORIGINAL,
            "出席します。",
        ),
        # Gmail with full-width parentheses and a wrapped attribution.
        (
            "出席します。\n\n2026年6月1日（月） 10:00 一関市サンプル自治会 事務局 <\n"
            "town.test@example.jp>:\n" + ORIGINAL,
            "出席します。",
        ),
        # Gmail / Thunderbird: "に … さんは書きました:".
        (
            "欠席します\n\n"
            "2026年6月1日(月) 10:00 に 山田 <yamada.test@example.jp> さんは書きました:\n"
            + ORIGINAL,
            "欠席します",
        ),
        ("欠席します\n\n山田 さんは書きました：\n" + ORIGINAL, "欠席します"),
        # iPhone, Japanese.
        (
            "欠席で\n\niPhoneから送信\n\n"
            "2026/06/01 10:00、山田 <yamada.test@example.jp>のメール:\n\n" + ORIGINAL,
            "欠席で",
        ),
        # Outlook, Japanese header block after a rule of underscores.
        (
            "出席します。\n佐藤\n\n________________________________\n"
            "差出人: 一関市 <town.test@example.jp>\n送信日時: 2026年6月1日 10:00\n"
            "宛先: sato.test@example.jp\n件名: 総会の出欠\n\n総会の出欠をお知らせください。",
            "出席します。\n佐藤",
        ),
        # Outlook with full-width colons and 送信者.
        (
            "出席\n\n送信者：一関市\n日付：2026/06/01\n件名：総会\n\n本文",
            "出席",
        ),
        # Outlook, English labels.
        (
            "出席します\n\nFrom: Town <town.test@example.com>\nSent: Monday, June 1, 2026 10:00\n"
            "To: sato.test@example.jp\nSubject: 総会\n\n本文",
            "出席します",
        ),
        ("出席\n-----Original Message-----\nFrom: a\n本文", "出席"),
        ("出席\n\n-----元のメッセージ-----\n差出人: 一関市\n送信日時: x\n本文", "出席"),
        # Carriers.
        (
            "①\n\n----- Original Message -----\nFrom: town.test@example.jp\n"
            "To: taro.test@docomo.ne.jp\n" + ORIGINAL.replace("> ", ">"),
            "①",
        ),
        ("無事です\n-------- 元のメッセージ --------\n件名: 安否確認\n送信元: x\n", "無事です"),
        ("無事です\n--- 転送メッセージ ---\n本文", "無事です"),
        ("出席\n\n" + ORIGINAL.replace("> ", ">"), "出席"),
        # Full-width quote markers.
        ("欠席\n＞総会の出欠をお知らせください。\n＞1. 出席", "欠席"),
        # Answer below the quote (bottom posting).
        ("2026/06/01 10:00、一関市 <town.test@example.jp>のメール:\n" + ORIGINAL + "\n２\n", "２"),
        ("> 出欠は？\n出席します\n> 以上", "出席します"),
        # Signatures: RFC 3676 "-- ", and the common "--".
        ("出席します。\n-- \n山田 太郎\nyamada.test@example.jp", "出席します。"),
        ("出席します。\n--\n山田 太郎", "出席します。"),
        ("出席します。\n\nSent from my iPhone", "出席します。"),
        ("出席します。\n\nAndroidから送信\n", "出席します。"),
        # English clients, handled by mail-parser-reply.
        (
            "I will attend.\n\nOn Mon, Jun 1, 2026 at 10:00 AM Town <town.test@example.com> "
            "wrote:\n" + ORIGINAL,
            "I will attend.",
        ),
        # Becky!: "On <date>" and "<name> wrote:" on two lines.
        (
            "出席\n\nOn Mon, 01 Jun 2026 10:00:00 +0900\n一関市 <town.test@example.jp> wrote:\n"
            + ORIGINAL,
            "出席",
        ),
        # Nothing new: only the quote.
        (ORIGINAL, ""),
        ("2026年6月1日(月) 10:00 山田 <yamada.test@example.jp>:\n" + ORIGINAL, ""),
        ("", ""),
        # Resident's own text that only looks like a header stays.
        ("2026年6月1日の総会について:\n出席します", "2026年6月1日の総会について:\n出席します"),
        (
            "出席します\n当日は10:00に伺います。\n"
            "2026年6月1日(月) 10:00 山田 <y.test@example.jp>:\n" + ORIGINAL,
            "出席します\n当日は10:00に伺います。",
        ),
        ("- 出席\n- 懇親会も参加", "- 出席\n- 懇親会も参加"),
        ("出席\r\n\r\n\r\n\r\n山田\r\n", "出席\n\n山田"),
    ],
)
def test_reply_text_is_extracted(text: str, reply: str) -> None:
    assert reply_text_extract(text=text) == reply


@pytest.mark.parametrize(
    "text",
    [
        "On " + "a " * 500_000,  # one 1 MB line for the library's "On … wrote:" pattern
        ("On " + "a " * 149 + "\n") * 3300,
        "出席" * 500_000,
        "2026/06/01 10:00\n" * 50_000,
    ],
)
def test_hostile_text_is_handled_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    reply_text_extract(text=text)
    # mail-parser-reply alone took 19 s on a 32,000-character "On" line.
    assert time.perf_counter() - started < 2.0


def test_a_long_reply_keeps_its_end() -> None:
    body = "本文です。\n" * 2000
    assert reply_text_extract(text="出席します。\n" + body) == ("出席します。\n" + body).strip()


def test_a_signature_after_a_long_reply_is_cut() -> None:
    # Past the text mail-parser-reply is shown: this module's own signature rule applies.
    body = "本文です。\n" * 2000
    text = "出席します。\n" + body + "-- \n山田 太郎\nyamada.test@example.jp\n"
    assert reply_text_extract(text=text) == ("出席します。\n" + body).strip()


def test_a_short_rule_before_a_header_block_goes_with_it() -> None:
    text = "出席\n\n----------\n差出人: 一関市\n送信日時: 2026/06/01 10:00\n\n本文"
    assert reply_text_extract(text=text) == "出席"


def test_a_reply_header_only_the_library_knows_leaves_nothing() -> None:
    # A header block without a From: line first is mail-parser-reply's to find.
    text = "Sent: Monday, June 1, 2026 10:00\nTo: sato.test@example.jp\nSubject: 総会\n\n本文"
    assert reply_text_extract(text=text) == ""
