"""A notice's question as plain values: presets, custom choices, the tally's reading order."""

import pytest
from django.core.exceptions import ValidationError

from delivery.questions import question_spec_make, tally_rows


def test_presets_take_their_own_choices_and_a_default_prompt() -> None:
    attendance = question_spec_make(kind="attendance", choices=["ignored"])
    assert attendance.choices == ("出席", "欠席")
    assert attendance.prompt == "出欠をお知らせください。"
    safety = question_spec_make(kind="safety", prompt="  台風15号の後、ご無事ですか  ")
    assert safety.choices == ("無事", "要支援", "不在")
    assert safety.prompt == "台風15号の後、ご無事ですか"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["参加", "不参加"], ("参加", "不参加")),
        (["  A  ", "", "B", "C"], ("A", "B", "C")),
        (["1", "2", "3", "4", "5", "6"], ("1", "2", "3", "4", "5", "6")),
    ],
)
def test_custom_questions_keep_two_to_six_trimmed_choices(lines, expected) -> None:
    assert question_spec_make(kind="custom", choices=lines).choices == expected


@pytest.mark.parametrize(
    "lines",
    [["ひとつ"], [], ["1", "2", "3", "4", "5", "6", "7"], ["同じ", "同じ"], ["長" * 31, "短"]],
)
def test_custom_questions_outside_the_rules_are_refused(lines) -> None:
    with pytest.raises(ValidationError):
        question_spec_make(kind="custom", choices=lines)


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValidationError):
        question_spec_make(kind="poll")


def _labels(rows) -> list[tuple[str, int, int]]:
    return [(row.label, row.count, row.percent) for row in rows]


def test_attendance_tally_keeps_the_choices_order_and_ends_with_no_answer() -> None:
    rows = tally_rows(
        kind="attendance",
        choices=["出席", "欠席"],
        counts={0: 5, 1: 2},
        asked=10,
        unanswered_label="未回答",
    )
    assert _labels(rows) == [("出席", 5, 50), ("欠席", 2, 20), ("未回答", 3, 30)]
    assert not any(row.urgent for row in rows)


def test_safety_tally_puts_those_who_need_help_and_the_silent_first() -> None:
    rows = tally_rows(
        kind="safety",
        choices=["無事", "要支援", "不在"],
        counts={0: 6, 1: 1, 2: 1},
        asked=10,
        unanswered_label="未回答",
    )
    assert _labels(rows) == [("要支援", 1, 10), ("未回答", 2, 20), ("不在", 1, 10), ("無事", 6, 60)]
    assert [row.urgent for row in rows] == [True, True, False, False]


def test_a_tally_of_nobody_has_no_division_by_zero() -> None:
    rows = tally_rows(
        kind="custom", choices=["A", "B"], counts={}, asked=0, unanswered_label="未回答"
    )
    assert _labels(rows) == [("A", 0, 0), ("B", 0, 0), ("未回答", 0, 0)]


def test_answers_from_outside_the_asked_never_make_negative_no_answers() -> None:
    # A household answered on paper and then left the group: more answers than people asked.
    rows = tally_rows(
        kind="attendance", choices=["出席", "欠席"], counts={0: 3}, asked=2, unanswered_label="-"
    )
    assert _labels(rows) == [("出席", 3, 100), ("欠席", 0, 0), ("-", 0, 0)]
