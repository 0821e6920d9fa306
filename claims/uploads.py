"""Checks on a customer's uploaded receipt: size, type from the content, a real image.

The file name and the browser's Content-Type are the sender's word and are ignored: the
type comes from the first bytes, images must decode, and the stored name is generated.
"""

import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()

# Phone cameras shoot up to 50 MP in full-resolution mode; far more is a decompression bomb.
MAX_IMAGE_PIXELS = 60_000_000

JPEG, PNG, WEBP, HEIF, PDF = "jpeg", "png", "webp", "heif", "pdf"
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", WEBP: ".webp", HEIF: ".heic", PDF: ".pdf"}
PILLOW_FORMATS = {JPEG: {"JPEG", "MPO"}, PNG: {"PNG"}, WEBP: {"WEBP"}, HEIF: {"HEIF"}}
CONTENT_TYPES = {
    JPEG: "image/jpeg",
    PNG: "image/png",
    WEBP: "image/webp",
    HEIF: "image/heic",
    PDF: "application/pdf",
}
# ISO-BMFF brands of HEIC/HEIF still images (AVIF is not accepted).
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1"}
HEIF_BRANDS |= {b"msf1", b"heif"}


def sniff_kind(head: bytes) -> str | None:
    """The file's kind from its first bytes, or None when it is none we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return HEIF
    if head.startswith((b"%PDF-1.", b"%PDF-2.")):
        return PDF
    return None


def validate_receipt(upload):
    """Check an uploaded receipt and give it a generated name; raise ValidationError if bad.

    Returns the same file object, renamed `<uuid>.<ext>` with the extension of its real type.
    """
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is too large: at most %(megabytes)d MB."),
            code="too_large",
            params={"megabytes": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
        )
    upload.seek(0)
    kind = sniff_kind(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise ValidationError(
            _("This file type is not accepted. Send a photo (JPEG, PNG, HEIC, WebP) or a PDF."),
            code="bad_type",
        )
    if kind == PDF:
        _check_pdf(upload)
    else:
        _check_image(upload, kind)
    upload.seek(0)
    upload.name = uuid.uuid4().hex + EXTENSIONS[kind]
    upload.content_type = CONTENT_TYPES[kind]
    return upload


def _check_pdf(upload) -> None:
    # A real PDF ends with an %%EOF marker (tools may append a little whitespace after it).
    upload.seek(max(upload.size - 2048, 0))
    tail = upload.read()
    if b"%%EOF" not in tail:
        raise ValidationError(
            _("The PDF file is damaged or incomplete. Save it again or send a photo."),
            code="bad_pdf",
        )


# What one check may cost is bounded per format (docs/benchmarks.md, bench/bench_uploads.py):
# a JPEG is decoded at 1/8 scale and a PNG only has its chunks and checksums read, so both
# stay cheap up to MAX_IMAGE_PIXELS; WebP and HEIF can only be decoded whole, so they get
# the size a receipt photo or screenshot needs (a 24 MP phone photo, a 4K screenshot).
FULL_DECODE_MAX_PIXELS = {WEBP: 16_800_000, HEIF: 24_500_000}


def _pixel_cap(kind: str) -> int:
    return FULL_DECODE_MAX_PIXELS.get(kind, MAX_IMAGE_PIXELS)


def _check_image(upload, kind: str) -> None:
    unreadable = ValidationError(
        _("The image could not be read: it may be damaged. Take the photo again or send a PDF."),
        code="bad_image",
    )
    too_big = ValidationError(
        _(
            "The image is too large to process (more than %(megapixels)d megapixels). "
            "Send a smaller photo or a screenshot."
        ),
        code="too_many_pixels",
        params={"megapixels": _pixel_cap(kind) // 1_000_000},
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Opening reads the header only: the size is known before any pixel is decoded.
            with Image.open(upload) as image:
                if image.format not in PILLOW_FORMATS[kind]:
                    raise unreadable
                width, height = image.size
                if width * height > _pixel_cap(kind):
                    raise too_big
                if kind == PNG:
                    # Every chunk and its checksum, without inflating the pixels: a cut or
                    # altered file fails here, and a 60 MP PNG costs no 240 MB to check.
                    image.verify()
                else:
                    # JPEG decodes at 1/8 scale here: enough to prove the data is an image.
                    image.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))
                    image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_big from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise unreadable from error
