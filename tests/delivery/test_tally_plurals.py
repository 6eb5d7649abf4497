"""The answer tally counts people in the reader's language: 1 person, 2 people."""

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation


def _tally_html(*counts: int) -> str:
    rows = [
        {"row": SimpleNamespace(label=label, count=n, percent=0, urgent=False, choice=i)}
        for i, (label, n) in enumerate(zip(["出席", "欠席"], counts, strict=False))
    ]
    tally = {"asked": sum(counts), "groups": [{**row, "people": []} for row in rows]}
    return render_to_string(
        "delivery/staff/_tally.html", {"notice": SimpleNamespace(pk=1), "tally": tally}
    )


def test_tally_counts_read_as_person_and_people_in_english() -> None:
    with translation.override("en"):
        html = _tally_html(1, 2)
    assert '<span><span class="stat-number">1</span> person</span>' in html
    assert '<span><span class="stat-number">2</span> people</span>' in html


def test_tally_counts_in_japanese_are_unchanged() -> None:
    with translation.override("ja"):
        html = _tally_html(1, 2)
    assert '<span><span class="stat-number">1</span>人</span>' in html
    assert '<span><span class="stat-number">2</span>人</span>' in html


def test_staff_counts_elsewhere_read_as_person_and_people_in_english() -> None:
    from django.template import Context, Template

    page = Template(
        "{% load i18n %}{% blocktranslate count n=one %}{{ n }}人{% plural %}{{ n }}人"
        "{% endblocktranslate %}/{% blocktranslate count n=two %}{{ n }}人{% plural %}"
        "{{ n }}人{% endblocktranslate %}"
    )
    with translation.override("en"):
        assert page.render(Context({"one": 1, "two": 2})) == "1 person/2 people"
    with translation.override("ja"):
        assert page.render(Context({"one": 1, "two": 2})) == "1人/2人"
