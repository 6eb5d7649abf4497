"""A notice's question with choices, as plain values: presets, limits, the tally's order.

The choice words are what residents read in the mail and write back in replies (出席します,
無事です), so presets are stored as written, in Japanese, whatever the language of the staff
page that chose them.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ATTENDANCE = "attendance"
SAFETY = "safety"
CUSTOM = "custom"

CHOICES_MIN = 2
CHOICES_MAX = 6
CHOICE_LENGTH_MAX = 30

PRESET_CHOICES = {
    ATTENDANCE: ("出席", "欠席"),
    SAFETY: ("無事", "要支援", "不在"),
}
PROMPT_DEFAULT = {
    ATTENDANCE: "出欠をお知らせください。",
    SAFETY: "ご無事かどうか、お知らせください。",
    CUSTOM: "当てはまるものをお選びください。",
}
# 安否確認: who needs help comes first, then who has not answered (nobody knows), then the
# absent; the safe come last. The strings are the preset's own choices.
SAFETY_URGENT = "要支援"
SAFETY_ORDER = ("要支援", None, "不在", "無事")


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    prompt: str
    choices: tuple[str, ...]


def question_spec_make(*, kind: str, prompt: str = "", choices: Sequence[str] = ()) -> QuestionSpec:
    """A checked question: presets take their own choices; custom ones need 2–6 distinct."""
    if kind in PRESET_CHOICES:
        made = PRESET_CHOICES[kind]
    elif kind == CUSTOM:
        made = tuple(choice.strip() for choice in choices if choice.strip())
        if not CHOICES_MIN <= len(made) <= CHOICES_MAX:
            raise ValidationError(
                _("選択肢は%(min)d個から%(max)d個まで、1行に1つずつ書いてください。")
                % {"min": CHOICES_MIN, "max": CHOICES_MAX}
            )
        if any(len(choice) > CHOICE_LENGTH_MAX for choice in made):
            raise ValidationError(
                _("選択肢は1つ%(max)d文字までにしてください。") % {"max": CHOICE_LENGTH_MAX}
            )
        if len(set(made)) != len(made):
            raise ValidationError(_("同じ選択肢が2回あります。"))
    else:
        raise ValidationError(_("質問の種類が正しくありません。"))
    return QuestionSpec(
        kind=kind, prompt=prompt.strip()[:200] or PROMPT_DEFAULT[kind], choices=made
    )


@dataclass(frozen=True)
class TallyRow:
    label: str
    count: int
    percent: int  # of everyone asked, rounded
    choice: int | None  # None: not answered (yet)
    urgent: bool = False


def tally_rows(
    *, kind: str, choices: list[str], counts: dict[int, int], asked: int, unanswered_label: str
) -> list[TallyRow]:
    """The rows of a question's tally in reading order: each choice, and "not answered".

    Choices keep their order, "not answered" comes last; in safety mode (安否確認) 要支援 and
    "not answered" come first, since those are the people someone has to go and see.
    """
    answered = sum(counts.values())
    unanswered = max(0, asked - answered)
    total = max(asked, answered)

    def percent(count: int) -> int:
        return round(100 * count / total) if total else 0

    rows = {
        index: TallyRow(
            label=label,
            count=counts.get(index, 0),
            percent=percent(counts.get(index, 0)),
            choice=index,
            urgent=kind == SAFETY and label == SAFETY_URGENT,
        )
        for index, label in enumerate(choices)
    }
    missing = TallyRow(
        label=unanswered_label,
        count=unanswered,
        percent=percent(unanswered),
        choice=None,
        urgent=kind == SAFETY,
    )
    if kind == SAFETY and set(choices) == set(filter(None, SAFETY_ORDER)):
        order = [None if label is None else choices.index(label) for label in SAFETY_ORDER]
        return [missing if index is None else rows[index] for index in order]
    return [*rows.values(), missing]
