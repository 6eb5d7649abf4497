"""PDF documents from templates (WeasyPrint), in Japanese fonts installed from Debian.

Templates extend `pdf/base.html`, which sets A4, 明朝 body text, ゴシック headings and
`lang="ja"` (without it Han characters may be drawn in Chinese glyph variants). WeasyPrint
subsets the fonts with HarfBuzz (`libharfbuzz-subset0`), which keeps files small. Rendering
is CPU-heavy: call it from a worker or a page a person waits for, never in a loop of a request.
"""

from django.template.loader import render_to_string
from weasyprint import HTML

# Font families the documents may use, in order; the Debian packages fonts-ipaexfont and
# fonts-noto-cjk provide them (infra/debian-packages.txt). Noto covers rare name kanji (𠮷).
MINCHO = '"IPAexMincho", "Noto Serif CJK JP"'
GOTHIC = '"IPAexGothic", "Noto Sans CJK JP"'


def pdf_render(*, template: str, context: dict[str, object], base_url: str | None = None) -> bytes:
    """The PDF of an HTML template."""
    html = render_to_string(template, {"MINCHO": MINCHO, "GOTHIC": GOTHIC, **context})
    return HTML(string=html, base_url=base_url).write_pdf()
