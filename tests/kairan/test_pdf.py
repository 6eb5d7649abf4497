"""PDF documents are A4 and drawn in Japanese fonts, not a fallback."""

import io
from datetime import date

from pypdf import PdfReader

from kairan.pdf import pdf_render


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_document_is_a4_japanese_text_in_japanese_fonts(tmp_path, settings) -> None:
    template = tmp_path / "sample.html"
    template.write_text(
        '{% extends "pdf/base.html" %}{% load kairan_format %}{% block content %}'
        "<h1>交付申請書</h1><p>{{ day|wareki }}</p><p>金 {{ amount|yen }} 円 ①㈱</p>"
        "<p>髙橋 𠮷田</p>{% endblock %}"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    pdf = pdf_render(template="sample.html", context={"day": date(2024, 6, 10), "amount": 44000})

    reader = PdfReader(io.BytesIO(pdf))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    text = reader.pages[0].extract_text()
    assert "交付申請書" in text.replace(" ", "")  # the title is letter-spaced
    for expected in ["令和6年6月10日", "金 44,000 円", "①㈱", "髙橋", "𠮷田"]:
        assert expected in text
    fonts = _fonts(reader)
    assert any("IPAexGothic" in f for f in fonts)  # heading
    assert any("IPAexMincho" in f for f in fonts)  # body
    assert any("Noto" in f for f in fonts)  # 𠮷 is not in IPAex; Noto CJK has it
    assert len(pdf) < 150_000  # fonts are subset, not embedded whole
