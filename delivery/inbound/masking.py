"""Email addresses inside a reply's text, masked before anyone on the staff side reads it.

Staff never see a resident's address (DESIGN §2, promise 2), and a reply can carry one: in a
signature, in a quoted header the stripping missed, or typed as a full-width ＠ to dodge
harvesters. The raw message keeps everything for audit; the text staff read does not.
"""

import re

MASK = "［アドレス省略］"

# RFC 5322 atext local part, "@" (or the full-width ＠), an ASCII domain with a dot.
_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+\s?[@＠]\s?(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}",
)
# Whatever is left around an at sign (a Japanese local part, an internationalised domain):
# over-masking a word is harmless, showing an address is not.
_LOOSE = re.compile(
    r"[^\s<>()\[\]{}\\,;:\"'「」（）、。]+[@＠][^\s<>()\[\]{}\\,;:\"'「」（）、。]+"
)


def addresses_mask(*, text: str) -> str:
    """The text with every email address replaced by a mark staff can read."""
    if "@" not in text and "＠" not in text:
        return text
    return _LOOSE.sub(MASK, _ADDRESS.sub(MASK, text))
