"""Addresses inside a reply's text are masked before staff read it."""

import pytest

from delivery.inbound.masking import MASK, addresses_mask


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("出席します", "出席します"),
        ("連絡はtaro.yamada+home@docomo.ne.jpまで", f"連絡は{MASK}まで"),
        ("山田 <taro@example.jp> wrote:", f"山田 <{MASK}> wrote:"),
        ("全角で taro＠example.jp です", f"全角で {MASK} です"),
        ("mailto:hanako@ezweb.ne.jp", f"mailto:{MASK}"),
        ("たろう@例え.jp", MASK),
        ("a@b.jp と c@d.jp", f"{MASK} と {MASK}"),
        ("連絡先 tanaka.d [at] example.jp まで", f"連絡先 {MASK} まで"),
        ("tanaka.d(at)example.jp", MASK),
        ("tanaka.d [AT] example [dot] jp です", f"{MASK} です"),
        ("tanaka.d（ａｔ）example.jp", MASK),
        ("tanaka.d ［at］ example.jp", MASK),
        ("tanaka.d ＠ example.jp", MASK),
        ("tanaka.d <at> example.jp", MASK),
        ("会場は公民館 (at 10:00) です", "会場は公民館 (at 10:00) です"),
        ("[at] の後に何もない", "[at] の後に何もない"),
    ],
)
def test_addresses_are_masked_and_the_rest_kept(text, expected) -> None:
    assert addresses_mask(text=text) == expected
