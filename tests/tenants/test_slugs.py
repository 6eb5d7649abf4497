import pytest

from tenants.slugs import schema_name_for, slug_normalize, slug_problem


@pytest.mark.parametrize(
    "slug",
    ["abc", "sample", "ichinoseki-3", "a1b2c3", "x" * 30],
)
def test_acceptable_slugs(slug: str) -> None:
    assert slug_problem(slug) is None


@pytest.mark.parametrize(
    ("slug", "says"),
    [
        ("", "入力してください"),
        ("ab", "3文字以上30文字以下"),
        ("x" * 31, "3文字以上30文字以下"),
        ("自治会", "半角の英小文字"),
        ("ｓａｍｐｌｅ", "半角の英小文字"),
        ("my_assoc", "半角の英小文字"),
        ("my.assoc", "半角の英小文字"),
        ("1abc", "英字で始め"),
        ("abc-", "英字か数字で終えて"),
        ("-abc", "英字で始め"),
        ("xn--abc", "ハイフンを2つ"),
        ("www", "選べません"),
        ("admin", "選べません"),
        ("api", "選べません"),
        ("mail", "選べません"),
        ("city", "選べません"),
        ("static", "選べません"),
        ("media", "選べません"),
    ],
)
def test_unacceptable_slugs_say_why(slug: str, says: str) -> None:
    problem = slug_problem(slug)
    assert problem is not None
    assert says in problem


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("  Sample ", "sample"),
        ("ｓａｍｐｌｅ", "sample"),
        ("ＩＣＨＩＮＯＳＥＫＩ－３", "ichinoseki-3"),
        ("\u3000kita\u3000", "kita"),  # full-width spaces around it
    ],
)
def test_case_and_width_are_normalised_so_they_never_make_two_slugs(typed, slug) -> None:
    assert slug_normalize(typed) == slug
    assert slug_problem(slug_normalize(typed)) is None


def test_schema_names_are_distinct_for_distinct_slugs_and_never_public() -> None:
    assert schema_name_for("a-b") == "as_a_b"
    assert schema_name_for("public") != "public"
