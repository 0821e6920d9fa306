"""The stub's barcode and QR code, decoded the way a scanner and a phone camera read them."""

import datetime
import io
import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image, ImageDraw, ImageOps

from repairs.codes import (
    BAR_MM,
    code128_png,
    code128_svg,
    qr_png,
    qr_svg,
    status_link,
)

SVG = "{http://www.w3.org/2000/svg}"
ORDER_NUMBERS = ["7KQ2M9XW4D", "0000000000", "ZZZZZZZZZZ", "A1B2C3D4E5"]
LINK = "https://service.dreame.kz/partners/repair-status/?order_number=7KQ2M9XW4D&intake_date=2025-03-07"
MODULE_PX = 3  # pixels per bar or QR module when the tests draw an SVG


def decode(image: Image.Image) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(image)


def png(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(data))


def dark_box(image: Image.Image) -> tuple[int, int, int, int]:
    """Where the dark modules are: the rest of the image is quiet zone."""
    return ImageOps.invert(image.convert("L")).getbbox()


def parse_svg(svg: str) -> ET.Element:
    assert "<?xml" not in svg
    assert "<!DOCTYPE" not in svg
    root = ET.fromstring(svg)  # well-formed, or this raises
    assert root.tag == f"{SVG}svg"
    return root


def view_box_size(root: ET.Element) -> tuple[float, float]:
    left, top, width, height = (float(value) for value in root.get("viewBox").split())
    assert (left, top) == (0, 0)
    return width, height


def draw_barcode_svg(svg: str) -> Image.Image:
    """Paint the barcode's rects at 3 px per bar, as a printer would, to decode the SVG."""
    root = parse_svg(svg)
    scale = MODULE_PX / BAR_MM
    width, height = view_box_size(root)
    image = Image.new("L", (round(width * scale), round(height * scale)), 255)
    draw = ImageDraw.Draw(image)
    for rect in root.iter(f"{SVG}rect"):
        if rect.get("fill") == "black":
            x, y, w, h = (float(rect.get(name)) * scale for name in ("x", "y", "width", "height"))
            draw.rectangle([round(x), round(y), round(x + w) - 1, round(y + h) - 1], fill=0)
    return image


def draw_qr_svg(svg: str) -> Image.Image:
    """Paint segno's path (one-module-thick horizontal strokes) to decode the SVG."""
    root = parse_svg(svg)
    size, _ = view_box_size(root)
    image = Image.new("L", (round(size * MODULE_PX),) * 2, 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, dx, dy in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", root[0].get("d")):
        if command == "h":
            row = int(y) * MODULE_PX
            left, right = x * MODULE_PX, (x + float(dx)) * MODULE_PX
            draw.rectangle([left, row, right - 1, row + MODULE_PX - 1], fill=0)
            x += float(dx)
        elif command == "M":
            x, y = float(dx), float(dy)
        else:
            x, y = x + float(dx), y + float(dy)
    return image


@pytest.mark.parametrize("number", ORDER_NUMBERS)
def test_the_barcode_png_decodes_to_the_order_number(number):
    [barcode] = decode(png(code128_png(number)))

    assert barcode.format == zxingcpp.BarcodeFormat.Code128
    assert barcode.text == number


@pytest.mark.parametrize("number", ORDER_NUMBERS)
def test_the_barcode_svg_decodes_to_the_order_number(number):
    [barcode] = decode(draw_barcode_svg(code128_svg(number)))

    assert barcode.format == zxingcpp.BarcodeFormat.Code128
    assert barcode.text == number


@pytest.mark.parametrize("number", ORDER_NUMBERS)
def test_the_barcode_png_keeps_a_quiet_zone_of_at_least_ten_bars_on_each_side(number):
    image = png(code128_png(number))
    left, _, right, _ = dark_box(image)

    ten_bars_px = 10 * MODULE_PX  # 0.254 mm bars are 3 px at 300 dpi
    assert left >= ten_bars_px
    assert image.width - right >= ten_bars_px


def test_the_barcode_svg_keeps_a_quiet_zone_of_at_least_ten_bars_on_each_side():
    image = draw_barcode_svg(code128_svg("7KQ2M9XW4D"))
    left, _, right, _ = dark_box(image)

    assert left >= 10 * MODULE_PX
    assert image.width - right >= 10 * MODULE_PX


def test_the_barcode_svg_is_inline_xml_that_css_can_resize():
    root = parse_svg(code128_svg("7KQ2M9XW4D"))

    width, height = view_box_size(root)
    assert root.get("width") == f"{width:.3f}mm"
    assert root.get("height") == f"{height:.3f}mm"
    assert all("mm" not in (rect.get("x") or "") for rect in root.iter(f"{SVG}rect"))


def test_the_barcode_svg_has_no_id_to_repeat_when_the_page_shows_it_twice():
    assert " id=" not in code128_svg("7KQ2M9XW4D")


def test_the_barcode_svg_has_no_inline_styles_for_weasyprint_to_warn_about():
    assert "style=" not in code128_svg("7KQ2M9XW4D")


def test_the_qr_png_decodes_to_the_exact_status_link_at_level_m():
    [code] = decode(png(qr_png(LINK)))

    assert code.format == zxingcpp.BarcodeFormat.QRCode
    assert code.text == LINK
    assert code.ec_level == "M"


def test_the_qr_svg_decodes_to_the_exact_status_link():
    [code] = decode(draw_qr_svg(qr_svg(LINK)))

    assert code.text == LINK
    assert code.ec_level == "M"


def test_the_qr_code_keeps_a_quiet_zone_of_four_modules():
    image = draw_qr_svg(qr_svg(LINK))
    left, top, right, bottom = dark_box(image)

    quiet_px = 4 * MODULE_PX
    assert (left, top) == (quiet_px, quiet_px)
    assert (image.width - right, image.height - bottom) == (quiet_px, quiet_px)


def test_the_qr_svg_is_inline_xml_sized_by_css():
    root = parse_svg(qr_svg(LINK))

    width, height = view_box_size(root)
    assert width == height
    assert root.get("width") is None
    assert root.get("height") is None


def test_the_status_link_is_exactly_the_status_page_query():
    link = status_link(
        site_url="https://service.dreame.kz",
        order_number="7KQ2M9XW4D",
        intake_date=datetime.date(2025, 3, 7),
    )

    assert link == LINK


@pytest.mark.parametrize("typed", ["7KQ2M-9XW4D", "7kq2m9xw4d", " 7KQ2M 9XW4D "])
def test_the_status_link_carries_the_canonical_order_number(typed):
    link = status_link(
        site_url="https://service.dreame.kz",
        order_number=typed,
        intake_date=datetime.date(2025, 3, 7),
    )

    assert link == LINK


def test_the_status_link_does_not_double_a_trailing_slash_of_the_site_url():
    link = status_link(
        site_url="https://service.dreame.kz/",
        order_number="7KQ2M9XW4D",
        intake_date=datetime.date(2025, 3, 7),
    )

    assert link == LINK


def test_the_status_link_refuses_what_is_not_an_order_number():
    with pytest.raises(ValueError, match="not an order number"):
        status_link(
            site_url="https://x.kz", order_number="7KQ2M9XW4", intake_date=datetime.date(2025, 3, 7)
        )


def test_the_status_link_refuses_a_datetime_for_the_intake_date():
    moment = datetime.datetime(2025, 3, 7, 23, 30, tzinfo=datetime.UTC)

    with pytest.raises(TypeError):
        status_link(site_url="https://x.kz", order_number="7KQ2M9XW4D", intake_date=moment)
