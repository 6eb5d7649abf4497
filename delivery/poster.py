"""The registration poster (登録案内): an A4 page for the paper 回覧板 with QR codes.

One QR code opens a new mail to the association's join address (空メール登録: send it as it
is), the other opens the web form; both addresses are printed large for people who type.
"""

from urllib.parse import quote

import segno

from delivery.addresses import join_address
from kairan.pdf import pdf_render
from tenants.models import Association
from tenants.selectors import association_url


def join_mailto(association: Association) -> str:
    """The mailto: URI the poster's QR code holds (RFC 6068; UTF-8, percent-encoded).

    Short on purpose: every Japanese character costs nine bytes here, and a smaller code
    is read more easily from a photocopied sheet by an older phone. Some mail apps refuse
    an empty subject, so it carries one word.
    """
    return f"mailto:{join_address(association.slug)}?subject={quote('登録')}"


def _qr_svg(data: str) -> str:
    # Error correction M: readable from a slightly creased or photocopied sheet.
    return segno.make(data, error="m", micro=False).svg_inline(scale=4, border=2)


def join_poster_pdf(*, association: Association) -> bytes:
    join_url = association_url(association, "/join/")
    return pdf_render(
        template="delivery/pdf/poster.html",
        context={
            "association": association,
            "address": join_address(association.slug),
            "join_url": join_url,
            "mail_qr": _qr_svg(join_mailto(association)),
            "web_qr": _qr_svg(join_url),
        },
    )
