"""The statement as a PDF (WeasyPrint, like the intake act): the printable sheet's HTML, its
stylesheet read from the static folder (repairs.pdf loads nothing else)."""

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from repairs.documents import pdf_unavailable_reason
from repairs.models import Statement
from repairs.statements.selectors import statement_document


def statement_pdf(statement: Statement) -> bytes:
    from repairs.pdf import render_pdf  # loads Pango: only when a PDF is asked for

    html = render_to_string(
        "repairs/statements/print.html", {**statement_document(statement), "for_pdf": True}
    )
    static_folder = Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/"
    return render_pdf(html=html, base_url=static_folder)


def pdf_response(statement: Statement) -> HttpResponse:
    """The PDF as a download, or 503 with a line to read where this machine makes none."""
    if pdf_unavailable_reason():
        return HttpResponse(
            _("PDF files cannot be made here now: use the printable page."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    name = f"statement-{statement.service_center_id}-{statement.month:%Y-%m}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
