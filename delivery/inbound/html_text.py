"""Readable text from the HTML of an HTML-only mail.

The standard library's `html.parser` is enough here and adds no dependency: mail HTML needs
no layout, only its words, its line breaks and its quotations. Blockquotes become "> " lines so
that quote stripping (delivery.inbound.quotes) treats them like quoted plain text.
"""

import re
from html.parser import HTMLParser

# Content that is never shown as text.
_HIDDEN = {"script", "style", "head", "title", "template", "noscript", "svg", "object", "xml"}
# Elements that start and end a line (HTML Living Standard §15.3, display: block and friends).
_BLOCK = {
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
}  # fmt: skip
_CELL = {"td", "th"}
_SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")
_TAG = re.compile(r"<[^>]*>")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._line_depth = 0
        self._hidden = 0
        self._pre = 0
        self._quote = 0

    def _break(self) -> None:
        text = "".join(self._line).strip(" ")
        self.lines.append("> " * self._line_depth + text if text else ">" * self._line_depth)
        self._line = []
        self._line_depth = self._quote

    def _block_edge(self) -> None:
        if "".join(self._line).strip():
            self._break()
        else:
            self._line = []
            self._line_depth = self._quote

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self._break()
        elif tag in _BLOCK:
            self._block_edge()
            if tag == "blockquote":
                self._quote += 1
                self._line_depth = self._quote
            elif tag == "pre":
                self._pre += 1
            elif tag == "li":
                self._line.append("・")
        elif tag in _CELL and "".join(self._line).strip():
            self._line.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <hr/>: no content, so no matching end tag follows.
        if tag == "br":
            self._break()
        elif tag in _BLOCK:
            self._block_edge()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK:
            self._block_edge()
            if tag == "blockquote":
                self._quote = max(0, self._quote - 1)
                self._line_depth = self._quote
            elif tag == "pre":
                self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._pre:
            head, *rest = data.split("\n")
            self._line.append(head)
            for line in rest:
                self._break()
                self._line.append(line)
            return
        # Outside <pre>, HTML collapses white space (a source line break is a space).
        text = _SPACES.sub(" ", data)
        if not self._line or "".join(self._line).strip():
            self._line.append(text)
        else:
            self._line.append(text.lstrip(" "))

    def text(self) -> str:
        if self._line:
            self._break()
        return "\n".join(self.lines)


def html_text_extract(*, html: str) -> str:
    """The visible text of an HTML mail body, one line per block or <br>, quotes as "> "."""
    collector = _TextCollector()
    try:
        collector.feed(html)
        collector.close()
        text = collector.text()
    except Exception:
        # Hostile markup must never stop a mail from being read: fall back to dropping tags.
        text = _SPACES.sub(" ", _TAG.sub(" ", html))
    lines = [line.rstrip() for line in text.split("\n")]
    # At most one empty line in a row, none at the ends.
    kept: list[str] = []
    for line in lines:
        if line.strip(">") or (kept and kept[-1].strip(">")):
            kept.append(line)
    return "\n".join(kept).strip("\n")
