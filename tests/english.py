"""English translations a change proposes, present in the catalogue while a test runs.

New msgids reach locale/en only when the catalogue is regenerated after a merge; a test of
the English page adds the proposed entries for its duration, and so checks that the msgids
(singular and plural) are ones a translation can make read right."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import translation
from django.utils.translation import trans_real


@contextmanager
def english_catalogue(entries: dict) -> Iterator[None]:
    """entries: msgid → text, or msgid → (singular, plural) for a plural entry."""
    catalog = trans_real.translation("en")._catalog  # type: ignore[attr-defined]
    added = []
    for msgid, text in entries.items():
        keys = [(msgid, 0), (msgid, 1)] if isinstance(text, tuple) else [msgid]
        values = list(text) if isinstance(text, tuple) else [text]
        for key, value in zip(keys, values, strict=True):
            if key not in catalog:
                catalog[key] = value
                added.append(key)
    try:
        with translation.override("en"):
            yield
    finally:
        for key in added:
            catalog._catalogs[0].pop(key)  # where __setitem__ put it
