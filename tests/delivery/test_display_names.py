"""A display name never holds anything that reads as an email address."""

import pytest

from delivery.display_names import display_name_looks_like_address, display_name_or


@pytest.mark.parametrize(
    "name",
    [
        "kato.f@example.jp",
        "加藤 kato.f＠example.jp",
        "ＫＡＴＯ＠ＥＸＡＭＰＬＥ．ＪＰ",
        "kato.f [at] example.jp",
        "kato.f(at)example.jp",
        "kato.f （ａｔ） example.jp",
        "kato.f［ＡＴ］example.jp",
        "kato.f%40example.jp",
    ],
)
def test_address_like_names_are_recognised(name) -> None:
    assert display_name_looks_like_address(name)


@pytest.mark.parametrize("name", ["佐藤Ａ子", "田中家", "Kato Fumi", "at home", "Kat (Satomi)"])
def test_ordinary_names_are_not(name) -> None:
    assert not display_name_looks_like_address(name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("  山田 花子 ", "山田 花子"),
        ("", "メール登録者"),
        ("   ", "メール登録者"),
        ("kato.f@example.jp", "メール登録者"),
        ("あ" * 60, "あ" * 50),
    ],
)
def test_a_name_falls_back_to_the_default_when_empty_or_an_address(name, expected) -> None:
    assert display_name_or(name, "メール登録者") == expected
