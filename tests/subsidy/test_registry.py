"""The city's registry of 自治会等登録届: imported from Excel's CSV, matched to applications."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from subsidy.models import RegistryEntry
from subsidy.registry import name_key, person_key, registry_parse
from tests.factories import application_make, association_make, clerk_client, clerk_make
from tests.subsidy.journeys import submitted

CSV = "登録番号,団体名,代表者\r\n101,竹山町自治会,𠮷田 髙子\r\n102,山目自治会,佐藤一郎\r\n"


def test_excel_utf8_with_bom_and_shift_jis_both_read() -> None:
    for data in (CSV.encode("utf-8-sig"), CSV.replace("𠮷", "吉").encode("cp932")):
        rows = registry_parse(data)
        assert [(r.registry_number, r.name) for r in rows] == [
            ("101", "竹山町自治会"),
            ("102", "山目自治会"),
        ]


def test_columns_are_found_by_their_headings_in_any_order() -> None:
    rows = registry_parse("代表者,団体名,備考,登録番号\n山田太郎,中里自治会,,１０３\n".encode())
    assert rows[0].registry_number == "103" and rows[0].representative == "山田太郎"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "空です"),
        ("団体名,代表者\n竹山町自治会,山田\n".encode(), "登録番号"),
        ("登録番号,団体名\n101,\n".encode(), "2行目"),
        ("登録番号,団体名\n101,甲\n101,乙\n".encode(), "2回"),
        (b"\xff\xfe\x00\xd8garbage\x81", "文字コード"),
    ],
)
def test_a_file_that_does_not_read_says_where(data: bytes, words: str) -> None:
    with pytest.raises(ValidationError) as error:
        registry_parse(data)
    assert words in " ".join(error.value.messages)


def test_names_match_across_widths_spaces_city_prefix_and_titles() -> None:
    assert name_key("一関市 竹山町自治会", "一関市") == name_key("竹山町自治会", "一関市")
    assert name_key("ﾀｹﾔﾏ自治会") == name_key("タケヤマ自治会")
    assert person_key("会長 𠮷田　髙子") == person_key("𠮷田髙子")


@pytest.mark.usefixtures("platform")
def test_clerk_imports_the_registry_and_sees_the_match(calendar) -> None:
    clerk = clerk_make()
    browser = clerk_client(clerk)
    listed = submitted(
        application_make(association_make(slug="takeyama", name="一関市竹山町自治会"))
    )
    other = submitted(application_make(association_make(slug="nakasato"), applicant_name="中里会"))
    impostor = submitted(
        application_make(
            association_make(slug="yamanome"),
            applicant_name="山目自治会",
            representative_name="別人 太郎",
        )
    )
    upload = SimpleUploadedFile("registry.csv", CSV.encode("utf-8-sig"), "text/csv")
    response = browser.post("/city/registry/", {"file": upload})
    assert response.status_code == 302
    assert RegistryEntry.objects.count() == 2
    page = browser.get(f"/city/applications/{listed.pk}/").content.decode()
    assert "登録番号 101" in page and "代表者も一致しています" in page
    page = browser.get(f"/city/applications/{impostor.pk}/").content.decode()
    assert "登録番号 102" in page and "代表者が登録届" in page
    page = browser.get(f"/city/applications/{other.pk}/").content.decode()
    assert "登録届の一覧に見つかりません" in page

    # A broken file changes nothing: the registry stays as it was.
    response = browser.post(
        "/city/registry/",
        {"file": SimpleUploadedFile("bad.csv", "団体名\n竹山町自治会\n".encode(), "text/csv")},
    )
    assert response.status_code == 400
    assert "登録番号" in response.content.decode()
    assert RegistryEntry.objects.count() == 2
