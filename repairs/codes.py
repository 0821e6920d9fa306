"""The machine-readable codes on the intake act's stub (DESIGN §4).

The order number as a Code128 barcode for the workbench's scanner, and the status-page link
as a QR code for the customer's phone. SVG goes inline into the act's HTML, PNG is for
bitmaps (and lets tests decode what a scanner reads). Pure: no ORM, no settings.
"""

import datetime
import io
import xml.dom.minidom
from urllib.parse import urlencode

import segno
from barcode import Code128
from barcode.writer import ImageWriter, SVGWriter

from repairs import order_numbers

STATUS_PATH = "/partners/repair-status/"

# 0.254 mm is the 10 mil bar that handheld scanners read from plain office prints (3 px at
# ImageWriter's 300 dpi). Code128 asks for a quiet zone of 10 bars on each side; we give 11
# because ImageWriter truncates the image width to whole pixels, which can shave the right
# one. No text under the bars: the act prints the number in its grouped, read-aloud form
# (order_numbers.display), which the barcode does not encode.
BAR_MM = 0.254
BARCODE_OPTIONS = {
    "module_width": BAR_MM,
    "module_height": 12.0,
    "quiet_zone": 11 * BAR_MM,
    "write_text": False,
}
# The shelf label (58×40 mm) goes to a 203 dpi thermal printer, which prints whole dots: a
# bar of exactly 2 dots (0.25 mm, the same 10 mil) keeps every bar the same width, where
# 0.254 mm would come out 2 dots here and 3 there. A 10-symbol order number is then 42 mm
# wide with its quiet zones, inside the label's 58 mm (3 dots a bar would need 63 mm).
LABEL_DPI = 203
LABEL_BAR_MM = 2 * 25.4 / LABEL_DPI
LABEL_BARCODE_OPTIONS = {
    **BARCODE_OPTIONS,
    "module_width": LABEL_BAR_MM,
    "module_height": 12.0,
    "quiet_zone": 11 * LABEL_BAR_MM,
}
QR_PNG_SCALE = 8  # pixels per module


def code128_svg(text: str, *, options: dict | None = None) -> str:
    """The barcode as an `<svg>` element to inline in HTML (`options`: BARCODE_OPTIONS, or
    LABEL_BARCODE_OPTIONS for the shelf label).

    Its width and height keep the printed size in mm; its viewBox lets CSS resize it.
    """
    # "compress" only makes render() return one-line XML; gzip happens in save(), unused here.
    options = BARCODE_OPTIONS if options is None else options
    writer_options = {**options, "with_doctype": False, "compress": True}
    svg = xml.dom.minidom.parseString(Code128(text, writer=SVGWriter()).render(writer_options))
    root = svg.documentElement
    assert root is not None  # the writer's XML always has its <svg> element
    width, height = (root.getAttribute(name).removesuffix("mm") for name in ("width", "height"))
    root.setAttribute("viewBox", f"0 0 {width} {height}")
    for rect in root.getElementsByTagName("rect"):
        # Lengths in mm inside a viewBox would be converted at 96 dpi and no longer fit it.
        for name in ("x", "y", "width", "height"):
            if rect.hasAttribute(name):
                rect.setAttribute(name, rect.getAttribute(name).removesuffix("mm"))
        # As an attribute: WeasyPrint reads a style="fill:…" as HTML CSS and warns per bar.
        fill = rect.getAttribute("style").removeprefix("fill:").rstrip(";")
        rect.removeAttribute("style")
        rect.setAttribute("fill", fill)
    # The act may show the barcode twice (act and stub): a fixed id would repeat in the page.
    for group in root.getElementsByTagName("g"):
        group.removeAttribute("id")
    return root.toxml()


def code128_png(text: str) -> bytes:
    image = Code128(text, writer=ImageWriter()).render(BARCODE_OPTIONS)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _qr(url: str) -> segno.QRCode:
    # segno would raise the level to Q or H when it fits the same size; the stub's spec is M.
    return segno.make_qr(url, error="m", boost_error=False)


def qr_svg(url: str) -> str:
    """The QR code as an `<svg>` element with a viewBox and no size: the act's CSS sets it.

    The four-module quiet zone is part of the image, as phone cameras need it.
    """
    out = io.BytesIO()
    _qr(url).save(out, kind="svg", xmldecl=False, nl=False, omitsize=True)
    return out.getvalue().decode()


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    _qr(url).save(out, kind="png", scale=QR_PNG_SCALE)
    return out.getvalue()


def status_link(*, site_url: str, order_number: str, intake_date: datetime.date) -> str:
    """The public status page's link for one order, exactly as the stub's QR code holds it."""
    canonical = order_numbers.normalize(order_number)
    if canonical is None:
        raise ValueError(f"not an order number: {order_number!r}")
    # A datetime would put a time, maybe in UTC, where the page expects the Almaty date.
    if isinstance(intake_date, datetime.datetime):
        raise TypeError("intake_date must be a date, not a datetime")
    query = urlencode({"order_number": canonical, "intake_date": intake_date.isoformat()})
    return f"{site_url.rstrip('/')}{STATUS_PATH}?{query}"
