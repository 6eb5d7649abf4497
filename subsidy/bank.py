"""The bank account a claim names (振込先), checked and put in the form banks expect. Pure.

Japanese transfers (全銀) identify an account by a 4-digit bank code, a 3-digit branch code,
the kind (普通 or 当座), a 7-digit number and the holder's name in katakana. People type
full-width digits, hiragana and spaces of both widths; we accept those and store one form.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ORDINARY = "ordinary"  # 普通
CURRENT = "current"  # 当座
ACCOUNT_TYPES = (ORDINARY, CURRENT)

# Katakana, the long-vowel mark, Latin capitals and digits, space and the few symbols a 全銀
# account name may carry: ( ) . - / and the comma.
_HOLDER_RE = re.compile(r"^[ァ-ヴー゛゜A-Z0-9 ().,/\-]+$")


@dataclass(frozen=True)
class BankAccount:
    bank_name: str
    bank_code: str
    branch_name: str
    branch_code: str
    account_type: str
    account_number: str
    account_holder: str


def _digits(value: str) -> str:
    """Full-width digits to ASCII; spaces and hyphens people put in numbers dropped."""
    return re.sub(r"[\s\-ー－]", "", unicodedata.normalize("NFKC", value or ""))


def holder_normalize(value: str) -> str:
    """ﾔﾏﾀﾞ ﾀﾛｳ, やまだ　たろう and ヤマダ　タロウ all become ヤマダ タロウ."""
    text = unicodedata.normalize("NFKC", value or "").strip().upper()
    text = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)
    return re.sub(r"\s+", " ", text)


def bank_account_clean(
    *,
    bank_name: str,
    bank_code: str,
    branch_name: str,
    branch_code: str,
    account_type: str,
    account_number: str,
    account_holder: str,
) -> BankAccount:
    """The account in its stored form; raises ValidationError naming each wrong field."""
    errors: dict[str, str] = {}
    bank_code, branch_code = _digits(bank_code), _digits(branch_code)
    account_number = _digits(account_number)
    holder = holder_normalize(account_holder)
    if not bank_name.strip():
        errors["bank_name"] = _("金融機関名を入力してください。")
    if not re.fullmatch(r"\d{4}", bank_code):
        errors["bank_code"] = _(
            "金融機関コードは4桁の数字です（例：0001）。通帳の表紙の裏などに書かれています。"
        )
    if not branch_name.strip():
        errors["branch_name"] = _("支店名を入力してください。")
    if not re.fullmatch(r"\d{3}", branch_code):
        errors["branch_code"] = _("支店コード（店番）は3桁の数字です（例：123）。")
    if account_type not in ACCOUNT_TYPES:
        errors["account_type"] = _("預金の種類（普通・当座）を選んでください。")
    if not re.fullmatch(r"\d{7}", account_number):
        errors["account_number"] = _(
            "口座番号は7桁の数字です。7桁に満たないときは、前に0を付けてください（例：0012345）。"
        )
    if not holder:
        errors["account_holder"] = _("口座名義をカタカナで入力してください。")
    elif not _HOLDER_RE.fullmatch(holder):
        errors["account_holder"] = _(
            "口座名義は通帳のとおりカタカナで入力してください（漢字は使えません）。"
        )
    if errors:
        raise ValidationError(errors)
    return BankAccount(
        bank_name=bank_name.strip(),
        bank_code=bank_code,
        branch_name=branch_name.strip(),
        branch_code=branch_code,
        account_type=account_type,
        account_number=account_number,
        account_holder=holder,
    )
