"""The display name staff see instead of a resident's address, as pure functions.

Staff never see an address (DESIGN §2), so a display name must not hold one: mail clients
often put the address itself in From's display name (`"kato.f@example.jp" <kato.f@...>`),
and a resident may type theirs into the form. Anything that looks like an address (an at
sign, full-width or not, or the "[at]" spellings used to dodge harvesters) is refused.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

DISPLAY_NAME_MAX = 50

# After NFKC (＠ → @, ［ → [, （ → (, Ｆ → F): "@", "%40", and "at" in brackets or parentheses.
_ADDRESS_LIKE = re.compile(r"@|%40|[\[(<{]\s*at\s*[\])>}]", re.IGNORECASE)


def display_name_looks_like_address(name: str) -> bool:
    """True when the name holds something that reads as an email address."""
    return _ADDRESS_LIKE.search(unicodedata.normalize("NFKC", name)) is not None


def display_name_problem(name: str) -> str | None:
    """A message saying why a display name cannot be used, or None if it can."""
    if display_name_looks_like_address(name):
        return _("表示名にメールアドレスは使えません。")
    return None


def display_name_or(name: str, default: str) -> str:
    """The name trimmed to its limit, or the default when it is empty or looks like an
    address (a join by mail takes the From header's name, which the resident never typed)."""
    name = name.strip()
    if not name or display_name_looks_like_address(name):
        return default
    return name[:DISPLAY_NAME_MAX].strip()
