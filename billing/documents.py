"""PDFs of the ledger's documents: invoices (適格請求書), receipts (領収書), credit notes
(返還インボイス). Dates are in 和暦, as on the city's own documents (DESIGN.md §6)."""

from billing.calculations import totals_of
from billing.models import CreditNote, Invoice, Receipt
from billing.selectors import stored_lines
from kairan.pdf import pdf_render


def invoice_pdf(*, invoice: Invoice) -> bytes:
    lines = list(invoice.lines.all())
    context = {
        "invoice": invoice,
        "lines": lines,
        "per_rate": totals_of(stored_lines(lines)).per_rate,
    }
    return pdf_render(template="billing/pdf/invoice.html", context=context)


def receipt_pdf(*, receipt: Receipt) -> bytes:
    invoice = receipt.invoice
    # The tax breakdown belongs on the receipt when it covers the whole invoice.
    whole = receipt.amount == invoice.total
    context = {
        "receipt": receipt,
        "invoice": invoice,
        "per_rate": totals_of(stored_lines(invoice.lines.all())).per_rate if whole else (),
    }
    return pdf_render(template="billing/pdf/receipt.html", context=context)


def credit_note_pdf(*, credit_note: CreditNote) -> bytes:
    lines = list(credit_note.lines.all())
    context = {
        "note": credit_note,
        "invoice": credit_note.invoice,
        "invoice_lines": list(credit_note.invoice.lines.all()),
        "lines": lines,
        "per_rate": totals_of(stored_lines(lines)).per_rate,
    }
    return pdf_render(template="billing/pdf/credit_note.html", context=context)
