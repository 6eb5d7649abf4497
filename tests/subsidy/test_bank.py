"""The claim's bank account: what people type becomes what banks expect, or a clear error."""

import pytest
from django.core.exceptions import ValidationError

from subsidy.bank import bank_account_clean, holder_normalize

GOOD = {
    "bank_name": "岩手銀行",
    "bank_code": "0123",
    "branch_name": "一関支店",
    "branch_code": "456",
    "account_type": "ordinary",
    "account_number": "0012345",
    "account_holder": "タケヤマチョウ ジチカイ",
}


def test_a_good_account_is_kept_as_typed() -> None:
    account = bank_account_clean(**GOOD)
    assert (account.bank_code, account.branch_code, account.account_number) == (
        "0123",
        "456",
        "0012345",
    )


def test_full_width_digits_and_hyphens_are_accepted() -> None:
    account = bank_account_clean(
        **{**GOOD, "bank_code": "０１２３", "branch_code": "４５６", "account_number": "001-2345"}
    )
    assert (account.bank_code, account.branch_code, account.account_number) == (
        "0123",
        "456",
        "0012345",
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("たけやまちょう　じちかい", "タケヤマチョウ ジチカイ"),
        ("ﾀｹﾔﾏﾁｮｳ ｼﾞﾁｶｲ", "タケヤマチョウ ジチカイ"),
        ("ｼﾞﾁｶｲ(ｶｲｹｲ)", "ジチカイ(カイケイ)"),
        ("  ヤマダ   タロウ ", "ヤマダ タロウ"),
    ],
)
def test_holder_names_become_full_width_katakana(typed: str, stored: str) -> None:
    assert holder_normalize(typed) == stored


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("bank_code", "123", "4桁"),
        ("branch_code", "12a", "3桁"),
        ("account_number", "12345", "7桁"),
        ("account_number", "12345678", "7桁"),
        ("account_type", "savings", "普通・当座"),
        ("account_holder", "竹山町自治会", "カタカナ"),
        ("account_holder", "", "カタカナ"),
        ("bank_name", " ", "金融機関名"),
    ],
)
def test_wrong_fields_are_named_with_a_reason(field: str, value: str, words: str) -> None:
    with pytest.raises(ValidationError) as error:
        bank_account_clean(**{**GOOD, field: value})
    assert list(error.value.message_dict) == [field]
    assert words in error.value.message_dict[field][0]
