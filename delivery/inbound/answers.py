"""Which choice of a notice's question a plain-mail reply gives.

Residents answer on phones and in every width: `1`, `１`, `①`, `1.`, `1番`, or the choice's word
inside a sentence (`出席します`, `欠席で`, `無事です`). The first line that says anything about the
choices decides; greetings above it ("お世話になります", "1班の山田です") are passed over. A line
naming two different choices, or denying one (`出席できません`), gives no answer: staff read it.
"""

import re
import unicodedata

# How many non-empty lines may precede the answer (greeting, name) before we give up.
_LINES_SCANNED = 5
# An answer is said early in its line; the cap keeps a hostile 1 MB line cheap.
_LINE_LENGTH = 200
# Circled and negative-circled numbers, mapped explicitly: NFKC folds ①–⑳ to digits but leaves
# the dingbat forms (❶, ➀) alone, and a circled number is an answer whatever follows it.
_CIRCLED = {
    **{chr(0x2460 + n): n + 1 for n in range(20)},  # ①–⑳
    **{chr(0x2776 + n): n + 1 for n in range(10)},  # ❶–❿
    **{chr(0x2780 + n): n + 1 for n in range(10)},  # ➀–➉
    **{chr(0x278A + n): n + 1 for n in range(10)},  # ➊–➓
    **{chr(0x24F5 + n): n + 1 for n in range(10)},  # ⓵–⓾
}
_QUOTED = re.compile(r"^[ \t\u3000]*[>＞]")
_LEADING_NUMBER = re.compile(r"^[(\[]?\s*(\d{1,2})(?!\d)\s*")
# What may follow a bare number for it to be an answer: "1", "1.", "1番", "1です", "1 出席"…
# but not "1班の山田です", "10時に伺います" or "1人で".
_AFTER_NUMBER = re.compile(
    r"^(?:$|[.)\]:,、。!！]|番|です|で(?:す|お願い|よろしく)?|に(?:します)?|を)"
)
# A choice word followed by a denial is no vote for it ("出席できません", "出席は無理です").
_DENIAL_AFTER = re.compile(
    r"^\s*(?:は|を|が|に|も)?\s*(?:しません|できません|出来ません|できない|出来ない|しない|いたしません"
    r"|致しません|不可|無理|難しい|むずかしい|ではない|ではありません|じゃない|ではなく|じゃなく|せず)"
)
_DENIAL_BEFORE = ("不", "非", "未")


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _number_signal(line: str, choices: list[str]) -> int | None:
    """The 1-based number a line starts with, when the number is meant as an answer."""
    stripped = line.lstrip(" \t\u3000(（[［")
    if stripped and stripped[0] in _CIRCLED:
        return _CIRCLED[stripped[0]]
    normal = _normalise(line)
    match = _LEADING_NUMBER.match(normal)
    if not match:
        return None
    rest = normal[match.end() :]
    if _AFTER_NUMBER.match(rest) or any(choice and rest.startswith(choice) for choice in choices):
        return int(match.group(1))
    return None


def _word_signals(line: str, choices: list[str]) -> tuple[set[int], bool]:
    """Indices of choices named in the line (longest wins) and whether one was denied."""
    spans: list[tuple[int, int, int]] = []
    for index, choice in enumerate(choices):
        if not choice:
            continue
        start = line.find(choice)
        while start != -1:
            spans.append((start, start + len(choice), index))
            start = line.find(choice, start + 1)
    # "不参加" contains "参加": an occurrence inside a longer choice's occurrence is not one.
    kept = [
        span
        for span in spans
        if not any(other != span and other[0] <= span[0] and span[1] <= other[1] for other in spans)
    ]
    found: set[int] = set()
    denied = False
    for start, end, index in kept:
        if line[max(0, start - 1) : start] in _DENIAL_BEFORE or _DENIAL_AFTER.match(line[end:]):
            denied = True
        else:
            found.add(index)
    return found, denied


def answer_choice_match(*, text: str, choices: list[str]) -> int | None:
    """Index into `choices` of the answer the reply gives, or None if none or ambiguous."""
    normal_choices = [_normalise(choice) for choice in choices]
    scanned = 0
    for line in text.splitlines():
        if not line.strip() or _QUOTED.match(line):
            continue
        line = line[:_LINE_LENGTH]
        scanned += 1
        if scanned > _LINES_SCANNED:
            return None
        number = _number_signal(line, normal_choices)
        words, denied = _word_signals(_normalise(line), normal_choices)
        if number is None and not words and not denied:
            continue  # a greeting or a name: look at the next line
        if number is not None and not 1 <= number <= len(choices):
            return None
        signals = words | ({number - 1} if number is not None else set())
        # "出席できないので欠席します": the denied choice drops out and the other one stands;
        # a denial alone ("出席できません") is left to staff.
        if len(signals) != 1:
            return None
        return signals.pop()
    return None
