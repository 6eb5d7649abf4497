"""The new text of a reply: quoted original, reply headers and signature removed.

`mail-parser-reply` knows the English and European reply headers ("On … wrote:", Outlook's
From:/Sent: blocks, "-----Original Message-----", "Sent from my iPhone") and one Gmail Japanese
header. Japanese residents' clients write others, which this module finds first:

- Gmail:   `2026年6月1日(月) 10:00 山田 <yamada@example.jp>:` (may wrap onto two lines)
- Gmail, Thunderbird: `… に 山田 <…> さんは書きました:`
- iPhone:  `2026/06/01 10:00、山田 <yamada@example.jp>のメール:`
- Outlook: a 差出人: / 送信日時: / 宛先: / 件名: block, `-----元のメッセージ-----`
- carriers (docomo, au, SoftBank): `> ` quoting, `----- Original Message -----`,
  `-------- 元のメッセージ --------`, `iPhoneから送信`-style footers
- full-width `＞` quote markers, and the `-- ` signature delimiter (RFC 3676 §4.3)
"""

import re

from mailparser_reply.parser import EmailMessage

_QUOTED = re.compile(r"^[ \t\u3000]*[>＞]")
_SEPARATOR = re.compile(
    r"^[ \t\u3000]*[-－―─━=＝_＿]{2,}[ \t\u3000]*"
    r"(?:original[ \t]*message|forwarded[ \t]*message|元のメッセージ|オリジナル[ \t]*メッセージ"
    r"|転送(?:された)?メッセージ|返信元(?:の)?メッセージ|original)"
    r"[ \t\u3000]*[-－―─━=＝_＿]{2,}[ \t\u3000]*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^[ \t\u3000]*[-－―─━=＝_＿]{5,}[ \t\u3000]*$")
# RFC 3676 §4.3: "-- " alone on a line starts the signature; many clients drop the space.
_SIGNATURE = re.compile(r"^--[ \t]?$")
_SENT_FROM = re.compile(
    r"^[ \t\u3000]*(?:(?:iPhone|iPad|Android|Xperia|Galaxy|AQUOS|Pixel|携帯|スマートフォン"
    r"|ドコモメール|docomo|au|SoftBank|ソフトバンク|Yahoo!?\s?メール|Gmail|Outlook)"
    r"[^\n]{0,20}から送信|Sent from my [^\n]{1,40}|Get Outlook for [^\n]{1,20}"
    r"|Outlook for (?:iOS|Android)\s*を入手)[ \t\u3000]*$",
    re.IGNORECASE,
)
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DATE = re.compile(r"\d{1,4}\s*[年/.\-]\s*\d{1,2}\s*[月/.\-]\s*\d{1,2}")
_TIME = re.compile(r"\d{1,2}\s*[:：時]\s*\d{2}")
_WROTE = re.compile(
    r"(?:さん(?:は|が)書きました|(?:は|が)書きました|wrote|のメール|のメッセージ|からのメッセージ)"
    r"[ \t\u3000]*[:：][ \t\u3000]*$",
    re.IGNORECASE,
)
_ENDS_WITH_COLON = re.compile(r"[:：][ \t\u3000]*$")
_FROM_LABEL = re.compile(r"^[ \t\u3000*]*(?:差出人|送信者|送信元|From)[ \t\u3000*]*[:：]", re.I)
_HEADER_LABEL = re.compile(
    r"^[ \t\u3000*]*(?:差出人|送信者|送信元|送信日時|送信日|日付|日時|宛先|件名|CC|From|Sent|Date"
    r"|To|Subject)[ \t\u3000*]*[:：]",
    re.IGNORECASE,
)
_EMPTY_LINES = re.compile(r"\n{3,}")
# mail-parser-reply's "On … wrote:" pattern backtracks quadratically in the length of a line
# starting with "On" (a 32,000-character line took 19 s), so it sees at most this much text,
# in whole lines of bounded length. Its headers sit at the top of a reply, which this covers.
_LIBRARY_TEXT = 4000
_LIBRARY_LINE = 300


def _is_attribution(line: str) -> bool:
    """A line that introduces the quoted original: "<date> <name> <address>:" and kin."""
    line = line.strip()
    if len(line) > 200 or not _ENDS_WITH_COLON.search(line):
        return False
    if _WROTE.search(line):
        return True
    # Without a "wrote" word, demand an address or a date with a time, so that a resident's
    # own "2026年6月1日の総会について:" is not taken for a header.
    return bool(_ADDRESS.search(line) or (_DATE.search(line) and _TIME.search(line)))


def _is_header_block(lines: list[str], index: int) -> bool:
    """差出人:/From: followed within three lines by another reply-header field."""
    if not _FROM_LABEL.match(lines[index]):
        return False
    following = [line for line in lines[index + 1 : index + 5] if line.strip()][:3]
    return any(_HEADER_LABEL.match(line) for line in following)


def _cut_index(lines: list[str]) -> int:
    """Index of the first line that belongs to the quoted original or the signature."""
    for index, line in enumerate(lines):
        if (
            _SEPARATOR.match(line)
            or _SIGNATURE.match(line)
            or _SENT_FROM.match(line)
            or _is_attribution(line)
            or _is_header_block(lines, index)
        ):
            return index
        # Gmail wraps a long attribution ("2026年6月1日(月) 10:00 山田 太郎 <" / "addr>:"), and
        # Becky! writes it on two lines ("On Mon, 01 Jun 2026 10:00:00 +0900" / "… wrote:").
        if (
            index + 1 < len(lines)
            and (_DATE.search(line) or _TIME.search(line))
            and not _ENDS_WITH_COLON.search(line)
        ):
            following = lines[index + 1]
            # A line with a time above a complete attribution is the resident's own
            # ("10:00に伺います。"), unless it opens like Becky!'s "On <date>" or leaves the
            # address for the next line.
            wrapped = (
                line.lstrip().startswith("On ")
                or line.count("<") > line.count(">")
                or following.lstrip().startswith("<")
                or not _is_attribution(following)
            )
            if wrapped and _is_attribution(f"{line} {following}"):
                return index
    return len(lines)


def _library_cut(text: str) -> str:
    """mail-parser-reply's view of the latest reply, for the headers it knows.

    Its `parse_reply()` returns the reply with the signature still in it, and it appends "en"
    to the languages list it is given; hence EmailMessage directly, with a fresh list.
    Hyphen lists ("- 出席") are not signatures here.
    """
    lines = [line.strip() for line in text.split("\n")]
    head: list[str] = []
    size = 0
    for line in lines:
        size += len(line) + 1
        if size > _LIBRARY_TEXT or len(line) > _LIBRARY_LINE:
            break
        head.append(line)
    head_text = "\n".join(head)
    message = EmailMessage(text=head_text, languages=["ja"], keep_hyphen_lists=True).read()
    if not message.replies or message.replies[0].headers:
        # The text starts with a reply header: nothing new above it.
        return ""
    body = message.replies[0].body
    if len(head) == len(lines) or _tidy(body.split("\n")) != _tidy(head):
        return body  # all of the text was seen, or a header or signature was cut
    return "\n".join(lines)


def _tidy(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    return _EMPTY_LINES.sub("\n\n", text)


def reply_text_extract(*, text: str) -> str:
    """What the sender wrote in a reply, without the quoted mail, reply headers or signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _cut_index(lines)
    # Back over the blank lines and rules ("____", "----") that lead into the quoted part.
    while cut > 0 and (not lines[cut - 1].strip() or _RULE.match(lines[cut - 1])):
        cut -= 1
    head = [line for line in lines[:cut] if not _QUOTED.match(line)]
    if not "".join(head).strip():
        # Bottom posting (carrier mail often quotes first and answers below): drop the quoted
        # lines and their attribution, then look again.
        rest = [line for line in lines if not _QUOTED.match(line) and not _is_attribution(line)]
        cut = _cut_index(rest)
        head = rest[:cut]
    new_text = _tidy(head)
    if not new_text:
        return ""
    return _tidy(_library_cut(new_text).split("\n"))
