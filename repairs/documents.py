"""The printable papers of an order: the intake act with its stub, and the return slip.

The act is one HTML template, printed from the browser and rendered to PDF with
WeasyPrint. WeasyPrint needs Pango from the system (Debian: libpango-1.0-0,
libpangoft2-1.0-0); where it cannot load, the portal still runs, the browser print still
works, and only the PDF is missing, with the reason (`pdf_unavailable_reason`).
"""

import base64
import functools
import logging
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation

from dreame_service.kit import formats
from repairs import codes
from repairs.models import IntakeAct, Shipment
from repairs.serials import same_serial

logger = logging.getLogger(__name__)

ACT_TEMPLATE = "repairs/workbench/act_document.html"
ACT_CSS = "css/act.css"
ACT_LANGUAGES = [code for code, _name in settings.LANGUAGES]


@functools.cache
def pdf_unavailable_reason() -> str:
    """Empty when PDFs can be made here; else what is missing, for the technician and logs."""
    try:
        from repairs import pdf  # noqa: F401 - loading WeasyPrint loads Pango
    except (ImportError, OSError) as error:
        return f"WeasyPrint cannot load ({error}); install libpango-1.0-0 and libpangoft2-1.0-0"
    return ""


def inbound_parcel(order) -> Shipment | None:
    """The parcel the product came in, when one was registered (by the customer, support or
    the technician): a posted act (`IntakeAct.received_by_post`) names its carrier and
    tracking number, and the stub goes back in the return parcel."""
    return next(
        (p for p in order.shipments.all() if p.direction == Shipment.Direction.INBOUND), None
    )


def act_context(*, order) -> dict:
    """What the act and its stub show; the codes are inline SVG (no file to fetch)."""
    status_link = codes.status_link(
        site_url=settings.SITE_URL,
        order_number=order.order_number,
        intake_date=order.intake_date,
    )
    act = order.intake_act
    claim = order.claim
    marks = IntakeAct.ConditionMark
    return {
        "order": order,
        "claim": claim,
        "act": act,
        "center": order.service_center,
        "center_phone": _phone(order.service_center.phone),
        "customer_phone": _phone(claim.phone),
        "customer_whatsapp": _phone(claim.whatsapp),
        # Lazy labels: the act is rendered in its own language, after this returns.
        "condition_labels": [marks(mark).label for mark in act.condition_marks if mark in marks],
        "serial_differs": not same_serial(act.serial_number, claim.serial_number),
        "inbound_parcel": inbound_parcel(order),
        "signature_data_uri": signature_data_uri(act),
        "status_link": status_link,
        "status_page": f"{settings.SITE_URL}{codes.STATUS_PATH}",
        "barcode_svg": codes.code128_svg(order.order_number),
        "qr_svg": codes.qr_svg(status_link),
    }


def signature_data_uri(act: IntakeAct) -> str:
    """The customer's signature inline: the same page serves the screen, support's print and
    WeasyPrint (which fetches no private file), and the file keeps no public URL."""
    if act.received_by_post or not act.signature:
        return ""
    try:
        with act.signature.open("rb") as file:
            png = file.read()
    except FileNotFoundError:
        logger.warning("Signature file of act %s is missing", act.pk)
        return ""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _phone(number) -> str:
    return formats.format_phone(number) if number else ""


def act_stylesheet() -> str:
    """act.css as text: the PDF carries it inline, as WeasyPrint fetches no `/static/` URL."""
    found = finders.find(ACT_CSS)
    assert found is not None, ACT_CSS  # one static file, shipped with the app
    return Path(found).read_text(encoding="utf-8")


def render_act_html(*, order, language: str, for_pdf: bool = False) -> str:
    context = {**act_context(order=order), "for_pdf": for_pdf}
    if for_pdf:
        context["act_css"] = act_stylesheet()
    with translation.override(language):
        return render_to_string(ACT_TEMPLATE, context)


def act_pdf(*, order, language: str) -> bytes | None:
    """The act as PDF, or None when this machine cannot make PDFs (logged)."""
    if reason := pdf_unavailable_reason():
        logger.warning("No PDF for order %s: %s", order.order_number, reason)
        return None
    from repairs.pdf import render_pdf

    return render_pdf(html=render_act_html(order=order, language=language, for_pdf=True))


def store_act_pdf(*, order_pk: int) -> list[dict]:
    """Render the customer's copy of the act, keep it with the act, and return it as the
    intake e-mail's attachment (none where this machine cannot make PDFs). Runs after the
    intake's commit: 0.4 s of WeasyPrint never holds the order's lock."""
    act = IntakeAct.objects.select_related(
        "repair_order__claim", "repair_order__service_center", "received_by"
    ).get(repair_order_id=order_pk)
    order = act.repair_order
    pdf = act_pdf(order=order, language=order.claim.language)
    if pdf is None:
        return []
    act.pdf.save(f"{order.order_number}.pdf", ContentFile(pdf), save=False)
    IntakeAct.objects.filter(pk=act.pk).update(pdf=act.pdf.name)
    return [
        {
            "name": act.pdf.name,
            "filename": f"act-{order.display_number}.pdf",
            "mimetype": "application/pdf",
        }
    ]


def act_sheet_context(request, order) -> dict:
    """What a page printing the act shows (support's admin prints it too): the act and its
    stub, in the language `?lang=` asks for. Its stylesheets are linked, never inlined: the
    site's Content-Security-Policy refuses inline styles (only the PDF carries them)."""
    return {**act_context(order=order), "act_language": act_language(request, order)}


def act_language(request, order) -> str:
    """The act's language from `?lang=`, else the customer's: the language of their claim,
    the one their e-mails and their copy of the act (`store_act_pdf`) are in."""
    language = request.GET.get("lang", "")
    if language in ACT_LANGUAGES:
        return language
    claim_language = order.claim.language
    return claim_language if claim_language in ACT_LANGUAGES else settings.LANGUAGE_CODE
