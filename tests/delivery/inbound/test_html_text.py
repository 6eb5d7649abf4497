"""HTML-only mail reads as text: no scripts or styles, line breaks kept, quotes marked."""

import pytest

from delivery.inbound.html_text import html_text_extract


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<div>出席します。</div><div>山田</div>", "出席します。\n山田"),
        ("出席します。<br>山田<br/>以上", "出席します。\n山田\n以上"),
        ("<p>出席</p><p>山田</p>", "出席\n山田"),
        ("<div>出席</div><div><br></div><div>山田</div>", "出席\n\n山田"),
        ("<style>p { color: red }</style><p>出席</p>", "出席"),
        ("<script>alert('x')</script>出席<script src=x></script>", "出席"),
        ("<head><title>件名</title></head><body>出席</body>", "出席"),
        ("出席&nbsp;&amp;&nbsp;&lt;確認&gt;", "出席 & <確認>"),
        ("<div>出席\n    します</div>", "出席 します"),
        ("<ul><li>出席</li><li>欠席</li></ul>", "・出席\n・欠席"),
        ("<table><tr><td>氏名</td><td>山田</td></tr></table>", "氏名 山田"),
        (
            "<div>欠席</div><blockquote>総会の出欠<br>1. 出席"
            "<blockquote>古い</blockquote></blockquote>",
            "欠席\n> 総会の出欠\n> 1. 出席\n> > 古い",
        ),
        ("<div>出席<p>入れ子</div>", "出席\n入れ子"),  # unclosed tags
        ("<<<>>>出席</div></div></div>", "<<<>>>出席"),
        ("", ""),
    ],
)
def test_html_becomes_readable_text(html: str, text: str) -> None:
    assert html_text_extract(html=html) == text


def test_hostile_markup_never_raises() -> None:
    for html in ["<!", "<![CDATA[", "<!DOCTYPE", "</", "<a href='", "<!-- x", "&#99999999;"]:
        assert isinstance(html_text_extract(html=html + "出席"), str)
