"""Rules for an association's subdomain (slug), as pure functions.

The slug is the association's host name label (`<slug>.BASE_DOMAIN`) and, with hyphens turned
into underscores, its schema name. Slugs never contain underscores, so the mapping is one to
one; the prefix keeps schema names clear of PostgreSQL's own (public, pg_*, information_schema).
"""

import re
import unicodedata

from django.utils.translation import gettext as _

SLUG_MIN = 3
SLUG_MAX = 30
_SLUG_RE = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")

# Labels that name the platform's own hosts or that residents could mistake for them.
RESERVED = frozenset(
    {
        "www", "admin", "api", "mail", "city", "static", "media", "app", "assets", "auth",
        "accounts", "billing", "blog", "cdn", "dev", "docs", "ftp", "help", "imap", "join",
        "kairan", "localhost", "mx", "news", "ns1", "ns2", "pop", "portal", "public", "root",
        "smtp", "staff", "status", "support", "system", "template", "test", "webmail",
    }
)  # fmt: skip


def slug_normalize(raw: str) -> str:
    """Trim and lower-case what the user typed; case never makes two slugs different.
    Full-width letters, digits and hyphens (a Japanese IME's default) become ASCII (NFKC)."""
    return unicodedata.normalize("NFKC", raw).strip().lower()


def slug_problem(slug: str) -> str | None:
    """A message saying what is wrong with a normalised slug, or None if it is acceptable."""
    if not slug:
        return _("サブドメインを入力してください。")
    if not slug.isascii() or re.fullmatch(r"[a-z0-9-]+", slug) is None:
        return _("サブドメインには半角の英小文字（a〜z）、数字、ハイフン（-）だけが使えます。")
    if len(slug) < SLUG_MIN or len(slug) > SLUG_MAX:
        return _("サブドメインは%(min)d文字以上%(max)d文字以下にしてください。") % {
            "min": SLUG_MIN,
            "max": SLUG_MAX,
        }
    if not _SLUG_RE.match(slug):
        return _("サブドメインは英字で始め、英字か数字で終えてください。")
    if "--" in slug:
        return _("ハイフンを2つ続けることはできません。")
    if slug in RESERVED:
        return _("「%(slug)s」はシステムで使うため選べません。別の名前にしてください。") % {
            "slug": slug
        }
    return None


def schema_name_for(slug: str) -> str:
    return "as_" + slug.replace("-", "_")
