"""A signature as the pad draws it: black strokes on a transparent canvas, as a PNG."""

import base64
import io

from PIL import Image, ImageDraw


def signature_png(*, size=(600, 180)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(30, 120), (120, 40), (200, 140), (300, 60), (420, 130)], fill="#111", width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(png: bytes | None = None) -> str:
    return (
        "data:image/png;base64,"
        + base64.b64encode(signature_png() if png is None else png).decode()
    )
