"""The printable sheet of a batch of access codes, as HTML and as PDF (WeasyPrint), with QR codes.

Each QR code opens the campaign's start page with the code in the address *fragment* (after ``#``),
which browsers never send to the server, so the code cannot reach a server log. A small script on the
start page copies it into the form; without JavaScript, people type the code printed beside the QR code.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from chalkface.voice.models import CodeBatch


def _qr_data_uri(text: str) -> str:
    import segno

    return str(segno.make(text, error="m").svg_data_uri(scale=3, border=2))


def _context(batch: CodeBatch, codes: list[str], start_url: str) -> dict[str, object]:
    return {
        "batch": batch,
        "campaign": batch.campaign,
        "workplace": batch.workplace,
        "start_url": start_url,
        "slips": [{"code": code, "qr": _qr_data_uri(f"{start_url}#code={code}")} for code in codes],
    }


def html(batch: CodeBatch, codes: list[str], start_url: str) -> str:
    return render_to_string("voice/code_sheet.html", _context(batch, codes, start_url))


def pdf(batch: CodeBatch, codes: list[str], start_url: str) -> bytes:
    from weasyprint import HTML

    document = render_to_string(
        "voice/code_sheet.html", {**_context(batch, codes, start_url), "for_pdf": True}
    )
    return bytes(HTML(string=document).write_pdf())
