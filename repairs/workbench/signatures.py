"""The customer's signature drawn on the counter's screen (static/js/signature-pad.js).

The browser posts the drawing as a PNG data URL in a hidden field. It is the sender's word
like any upload: the server decodes it, checks it is a small, real PNG of a sensible size,
and keeps a fresh PNG Pillow wrote (no chunk or trailer of the posted file survives).
"""

import base64
import binascii
import io
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

DATA_URL_PREFIX = "data:image/png;base64,"
# A pad is at most about 1000 x 300 CSS pixels; a signature in black strokes compresses to
# tens of KB. Anything far larger is not our pad's drawing.
MAX_PNG_BYTES = 300 * 1024
MAX_DATA_URL_CHARS = len(DATA_URL_PREFIX) + (MAX_PNG_BYTES * 4) // 3 + 4
MAX_WIDTH, MAX_HEIGHT = 2400, 1200
MIN_WIDTH, MIN_HEIGHT = 100, 40
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

NOT_A_SIGNATURE = _(
    "The signature could not be read. Press «Clear», let the customer sign again and send "
    "the form once more."
)


def decode_signature(data_url: str) -> bytes:
    """The PNG the pad drew, re-encoded; ValidationError with a clear message if it is not
    a small, real, non-blank PNG."""
    if len(data_url) > MAX_DATA_URL_CHARS:
        raise ValidationError(
            _("The signature image is too large. Press «Clear» and sign once more."),
            code="too_large",
        )
    if not data_url.startswith(DATA_URL_PREFIX):
        raise ValidationError(NOT_A_SIGNATURE, code="not_a_data_url")
    try:
        raw = base64.b64decode(data_url[len(DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(NOT_A_SIGNATURE, code="bad_base64") from None
    if not raw.startswith(PNG_MAGIC):
        raise ValidationError(NOT_A_SIGNATURE, code="not_png")
    return _redrawn(raw)


def _redrawn(raw: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(raw), formats=["PNG"]) as image:
            # The header alone gives the size: refuse a giant before decoding its pixels.
            width, height = image.size
            if width > MAX_WIDTH or height > MAX_HEIGHT:
                raise ValidationError(
                    _("The signature image is too large. Press «Clear» and sign once more."),
                    code="too_large",
                )
            if width < MIN_WIDTH or height < MIN_HEIGHT:
                raise ValidationError(NOT_A_SIGNATURE, code="too_small")
            image.load()
            drawing = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(NOT_A_SIGNATURE, code="bad_png") from None
    if drawing.getchannel("A").getbbox() is None:
        raise ValidationError(
            _("The signature is empty: let the customer sign in the box, or leave it blank."),
            code="blank",
        )
    out = io.BytesIO()
    drawing.save(out, format="PNG", optimize=True)
    return out.getvalue()


class SignatureInput(forms.HiddenInput):
    """The pad writes here; without JavaScript it stays empty (the act is signed on paper)."""

    def __init__(self, attrs=None):
        super().__init__({"data-signature-value": "", **(attrs or {})})


class SignatureField(forms.Field):
    """Optional: an empty value is no signature. `clean` gives a ContentFile for the act."""

    widget = SignatureInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        return ContentFile(decode_signature(value), name=f"{uuid.uuid4().hex}.png")

    def prepare_value(self, value):
        return "" if isinstance(value, ContentFile) else value
