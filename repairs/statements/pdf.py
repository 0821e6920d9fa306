"""The statement as a PDF (WeasyPrint, like the intake act): the printable sheet's HTML, its
stylesheet read from the static folder (repairs.pdf loads nothing else).

A big center's month holds thousands of lines, and WeasyPrint lays out 5,000 of them in about
a minute (docs/benchmarks.md): more than a request may take. So the PDF is made once per
version and language and kept (repairs.statements.kept); a download is that file. A small
statement's PDF is made in the request; a big one's by a worker, and the download says to
come back shortly.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from repairs.documents import pdf_unavailable_reason
from repairs.models import Statement
from repairs.statements import kept
from repairs.statements.selectors import statement_document

logger = logging.getLogger(__name__)

# Up to this many lines the PDF is made in the request (a few seconds at most).
INLINE_LINES = 300


def statement_pdf(statement: Statement) -> bytes:
    from repairs.pdf import render_pdf  # loads Pango: only when a PDF is asked for

    html = render_to_string(
        "repairs/statements/print.html", {**statement_document(statement), "for_pdf": True}
    )
    static_folder = Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/"
    return render_pdf(html=html, base_url=static_folder)


def print_page(statement: Statement) -> HttpResponse:
    """The printable A4 sheet. Rendered once per version and language and kept in the cache
    for a day: thousands of lines take a second to render, and support opens it again and
    again while checking a month."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    # (The preparation's time too: a database rebuilt from scratch reuses ids.)
    version = f"{kept.version_of(statement)}:{statement.prepared_at.timestamp()}"
    key = f"statement-print:{statement.pk}:{version}:{language}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("repairs/statements/print.html", statement_document(statement))
        cache.set(key, html, timeout=24 * 3600)
    return HttpResponse(html)


def store_statement_pdf(*, statement: Statement, version: int, language: str) -> str | None:
    """Make and keep the PDF of `statement` at `version` in `language`; None when the
    statement has changed since (the next download asks again)."""
    if kept.version_of(statement) != version:
        return None
    return kept.keep(
        statement,
        version=version,
        language=language,
        extension="pdf",
        make=lambda: statement_pdf(statement),
    )


def pdf_response(statement: Statement) -> HttpResponse | FileResponse:
    """The PDF as a download; 202 while a worker makes a big one; 503 with a line to read
    where this machine makes none."""
    if pdf_unavailable_reason():
        return HttpResponse(
            _("PDF files cannot be made here now: use the printable page."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    language = translation.get_language() or settings.LANGUAGE_CODE
    version = kept.version_of(statement)
    name = kept.stored_name(statement, version=version, language=language, extension="pdf")
    if not default_storage.exists(name):
        if statement.lines.count() > INLINE_LINES:
            _ask_a_worker(statement, version=version, language=language)
            response = HttpResponse(
                _(
                    "The PDF of this statement is being made: it has many lines. "
                    "Download it again in a minute."
                ),
                status=202,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = "60"
            return response
        # Small: made here, for this version (already read above).
        kept.keep(
            statement,
            version=version,
            language=language,
            extension="pdf",
            make=lambda: statement_pdf(statement),
        )
    filename = f"statement-{statement.service_center_id}-{statement.month:%Y-%m}.pdf"
    return kept.download(name, filename=filename, content_type="application/pdf")


def _ask_a_worker(statement: Statement, *, version: int, language: str) -> None:
    """Once per version and language within ten minutes, however often the link is clicked."""
    from repairs.tasks import store_statement_pdf_task

    key = f"statement-pdf:{statement.pk}:{version}:{language}"
    if not cache.add(key, 1, timeout=600):
        return

    def publish():
        try:
            store_statement_pdf_task.apply_async(
                args=(statement.pk, version, language), retry=False
            )
        except Exception:  # the broker is down: the next click asks again
            cache.delete(key)
            logger.warning("Could not ask for statement %s's PDF", statement.pk)

    transaction.on_commit(publish)
