"""answer_choice_match reads the choice from the first line that speaks of one."""

import time

import pytest

from delivery.inbound.answers import answer_choice_match

ATTENDANCE = ["出席", "欠席"]
SAFETY = ["無事", "要支援", "不在"]
RECEIPT = ["確認しました"]
JOIN = ["参加", "不参加"]
YES_NO = ["はい", "いいえ"]


@pytest.mark.parametrize(
    ("text", "choices", "index"),
    [
        # Numbers in every width and form.
        ("1", ATTENDANCE, 0),
        ("2", ATTENDANCE, 1),
        ("１", ATTENDANCE, 0),
        ("２", ATTENDANCE, 1),
        ("①", ATTENDANCE, 0),
        ("②", ATTENDANCE, 1),
        ("③", SAFETY, 2),
        ("❷", ATTENDANCE, 1),
        ("➀", ATTENDANCE, 0),
        ("1.", ATTENDANCE, 0),
        ("１．", ATTENDANCE, 0),
        ("2)", ATTENDANCE, 1),
        ("（２）", ATTENDANCE, 1),
        ("[1]", ATTENDANCE, 0),
        ("1番", ATTENDANCE, 0),
        ("２番です", ATTENDANCE, 1),
        ("1です", ATTENDANCE, 0),
        ("1でお願いします", ATTENDANCE, 0),
        ("2にします", ATTENDANCE, 1),
        ("1、出席します", ATTENDANCE, 0),
        ("1 出席", ATTENDANCE, 0),
        ("1出席", ATTENDANCE, 0),
        ("  1  ", ATTENDANCE, 0),
        ("\u30001", ATTENDANCE, 0),  # ideographic space first
        # The choice word, alone or in a sentence.
        ("出席", ATTENDANCE, 0),
        ("出席します", ATTENDANCE, 0),
        ("出席します。", ATTENDANCE, 0),
        ("欠席で", ATTENDANCE, 1),
        ("欠席でお願いします", ATTENDANCE, 1),
        ("総会は出席します。", ATTENDANCE, 0),
        ("今回は欠席させていただきます", ATTENDANCE, 1),
        ("出席いたします", ATTENDANCE, 0),
        ("出席できないので欠席します", ATTENDANCE, 1),
        ("欠席ではなく出席します", ATTENDANCE, 0),
        ("無事です", SAFETY, 0),
        ("家族全員無事です", SAFETY, 0),
        ("要支援", SAFETY, 1),
        ("要支援です。足を痛めています", SAFETY, 1),
        ("不在です", SAFETY, 2),
        ("確認しました", RECEIPT, 0),
        ("確認しました。ありがとうございます", RECEIPT, 0),
        ("参加します", JOIN, 0),
        ("不参加です", JOIN, 1),
        ("不参加です", ["参加", "欠席"], None),  # 不 before a choice denies it
        ("懇親会も出席します", ["出席", "懇親会も出席"], 1),  # the longest choice wins
        ("はい", YES_NO, 0),
        ("いいえ", YES_NO, 1),
        ("ＹＥＳ", ["Yes", "No"], 0),
        ("yes, I will come", ["Yes", "No"], 0),
        # Greetings and names above the answer are passed over.
        ("お世話になっております。\n出席します", ATTENDANCE, 0),
        ("いつもありがとうございます。\n1班の山田です。\n\n欠席します", ATTENDANCE, 1),
        ("山田です\n２", ATTENDANCE, 1),
        ("> 1. 出席\n> 2. 欠席\n欠席", ATTENDANCE, 1),
        ("＞出欠は？\n出席", ATTENDANCE, 0),
        # Ambiguous, denied, out of range or absent: no answer.
        ("出席か欠席か未定", ATTENDANCE, None),
        ("出席と欠席", ATTENDANCE, None),
        ("②出席", ATTENDANCE, None),
        ("1 欠席", ATTENDANCE, None),
        ("出席できません", ATTENDANCE, None),
        ("出席は無理です", ATTENDANCE, None),
        ("出席しません", ATTENDANCE, None),
        ("無事ではありません", SAFETY, None),
        ("3", ATTENDANCE, None),
        ("0", ATTENDANCE, None),
        ("⑤", SAFETY, None),
        ("1班の山田です", ATTENDANCE, None),
        ("10時に伺います", ATTENDANCE, None),
        ("1人で行きます", ATTENDANCE, None),
        ("2026年6月1日", ATTENDANCE, None),
        ("よろしくお願いします", ATTENDANCE, None),
        ("", ATTENDANCE, None),
        ("出席", [], None),
        # A choice mentioned only after many lines is not the answer.
        ("a\nb\nc\nd\ne\n出席", ATTENDANCE, None),
    ],
)
def test_answer_choice_is_matched(text: str, choices: list[str], index: int | None) -> None:
    assert answer_choice_match(text=text, choices=choices) == index


def test_a_huge_line_is_matched_quickly() -> None:
    started = time.perf_counter()
    assert answer_choice_match(text="出席" * 500_000, choices=ATTENDANCE) == 0
    assert time.perf_counter() - started < 1.0
