"""Email addresses inside a reply's text, masked before anyone on the staff side reads it.

Staff never see a resident's address (DESIGN §2, promise 2), and a reply can carry one: in a
signature, in a quoted header the stripping missed, or typed as a full-width ＠ to dodge
harvesters. The raw message keeps everything for audit; the text staff read does not.
"""

import re

MASK = "［アドレス省略］"

# The at sign as people write it to dodge harvesters: "[at]", "(at)", "（ａｔ）", "<AT>".
_AT_WORD = r"\s*[\[(（［<＜]\s*(?:at|ａｔ)\s*[\])）］>＞]\s*"
_DOT_WORD = r"\s*[\[(（［<＜]\s*(?:dot|ｄｏｔ)\s*[\])）］>＞]\s*"
# RFC 5322 atext local part, "@" (or the full-width ＠, or one of the above), an ASCII domain
# with a dot (or "[dot]").
_ADDRESS = re.compile(
    rf"[A-Za-z0-9!#$%&'*+/=?^_`{{|}}~.-]+(?:\s?[@＠]\s?|{_AT_WORD})"
    rf"(?:[A-Za-z0-9-]+(?:\.|{_DOT_WORD}))+[A-Za-z]{{2,}}",
    re.IGNORECASE,
)
_AT_WORD_SEEN = re.compile(_AT_WORD, re.IGNORECASE)
# Whatever is left around an at sign (a Japanese local part, an internationalised domain):
# over-masking a word is harmless, showing an address is not.
_LOOSE = re.compile(
    r"[^\s<>()\[\]{}\\,;:\"'「」（）、。]+[@＠][^\s<>()\[\]{}\\,;:\"'「」（）、。]+"
)


def addresses_mask(*, text: str) -> str:
    """The text with every email address replaced by a mark staff can read."""
    if "@" not in text and "＠" not in text and not _AT_WORD_SEEN.search(text):
        return text
    return _LOOSE.sub(MASK, _ADDRESS.sub(MASK, text))
