"""Checks on a customer's uploaded receipt: size, type from the content, a real image.

The file name and the browser's Content-Type are the sender's word and are ignored: the
type comes from the first bytes, images must decode, and the stored name is generated.
"""

import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from claims import image_probe
from claims.image_probe import HEIF, JPEG, PILLOW_FORMATS, PNG, WEBP
from dreame_service.kit import sandbox

logger = logging.getLogger(__name__)

# Phone cameras shoot up to 50 MP in full-resolution mode; far more is a decompression bomb.
MAX_IMAGE_PIXELS = 60_000_000

PDF = "pdf"
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", WEBP: ".webp", HEIF: ".heic", PDF: ".pdf"}
CONTENT_TYPES = {
    JPEG: "image/jpeg",
    PNG: "image/png",
    WEBP: "image/webp",
    HEIF: "image/heic",
    PDF: "application/pdf",
}
# ISO-BMFF brands of HEIC/HEIF still images (AVIF is not accepted).
IMAGE_KINDS = frozenset(PILLOW_FORMATS)
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


# What one check may cost is bounded per format (docs/benchmarks.md, bench/bench_uploads.py).
# A baseline JPEG is decoded at 1/8 scale and a PNG only has its chunks and checksums read,
# so both stay cheap up to MAX_IMAGE_PIXELS. A progressive JPEG keeps every coefficient of
# the image in memory (2 bytes a sample, 6 a pixel in full colour) and pays each scan over
# all of them, so it gets fewer pixels and at most MAX_JPEG_SCANS scans: cameras write
# baseline files, and libjpeg's, mozjpeg's and Photoshop's progressive files have 3 to 12.
# WebP and HEIF can only be decoded whole, so they get what keeps that decode under 150 MB:
# a 4K screenshot as WebP (Pillow's decoder holds ~15 bytes a pixel), a 24 MP phone photo
# as HEIF (libheif's RGB buffer, 4.5 bytes a pixel).
FULL_DECODE_MAX_PIXELS = {WEBP: 8_300_000, HEIF: 24_500_000}
# Their decoders are slow per byte (about 13 MB/s of random data): 5 MB keeps the worst
# under 0.4 s of CPU and holds a phone's photo of a receipt (mostly white paper: 2-4 MB).
FULL_DECODE_MAX_BYTES = 5 * 1024 * 1024
# Apple's 48 MP HEIF has 192 tiles; a grid of thousands costs a decoder set-up per tile.
MAX_HEIF_ITEMS = 512
PROGRESSIVE_JPEG_MAX_PIXELS = 16_800_000
MAX_JPEG_SCANS = 24
# libpng writes 8 KB data chunks, so a 10 MB PNG has about 1,300; Pillow reads each in Python.
MAX_PNG_CHUNKS = 8192
# The decoding child's limits (dreame_service.kit.sandbox): ten times the worst accepted file's
# measured CPU, well below gunicorn's 30 s timeout; the address space covers the worst
# accepted file's ~130 MB with room for the decoder's thread and libraries' reservations.
DECODE_CPU_SECONDS = 3
DECODE_MEMORY_BYTES = 384 * 1024 * 1024


def _too_big(megapixels_cap: int) -> ValidationError:
    return ValidationError(
        _(
            "The image is too large to process (more than %(megapixels)d megapixels). "
            "Send a smaller photo or a screenshot."
        ),
        code="too_many_pixels",
        params={"megapixels": megapixels_cap // 1_000_000},
    )


def _unreadable() -> ValidationError:
    return ValidationError(
        _("The image could not be read: it may be damaged. Take the photo again or send a PDF."),
        code="bad_image",
    )


def _unusual_structure() -> ValidationError:
    return ValidationError(
        _(
            "This image is saved in an unusual way that takes too long to check. "
            "Take a screenshot of it or save it again as an ordinary JPEG, PNG or PDF."
        ),
        code="unusual_structure",
    )


def _pixel_cap(kind: str, data: bytes) -> int:
    """The most pixels this image may have, once its structure shows that decoding it
    costs what its pixels cost (no thousand scans, no million chunks)."""
    if kind == PNG:
        if image_probe.png_chunk_count(data, max_chunks=MAX_PNG_CHUNKS) > MAX_PNG_CHUNKS:
            raise _unusual_structure()
        return MAX_IMAGE_PIXELS
    if kind in FULL_DECODE_MAX_PIXELS:
        if len(data) > FULL_DECODE_MAX_BYTES:
            raise ValidationError(
                _(
                    "HEIC and WebP images can be at most %(megabytes)d MB. Save the photo as "
                    "JPEG or send a screenshot."
                ),
                code="too_large",
                params={"megabytes": FULL_DECODE_MAX_BYTES // (1024 * 1024)},
            )
        if kind == HEIF and image_probe.heif_item_count(data) > MAX_HEIF_ITEMS:
            raise _unusual_structure()
        return FULL_DECODE_MAX_PIXELS[kind]
    layout = image_probe.jpeg_layout(data, max_scans=MAX_JPEG_SCANS)
    if layout.frame in image_probe.BASELINE_FRAMES:
        cap = MAX_IMAGE_PIXELS
    elif layout.frame == image_probe.PROGRESSIVE_FRAME:
        cap = PROGRESSIVE_JPEG_MAX_PIXELS
    else:  # an unusual coding, or no frame at all
        raise _unreadable()
    if layout.scans > MAX_JPEG_SCANS:
        raise _unusual_structure()
    return cap


def _check_image(upload, kind: str) -> None:
    upload.seek(0)
    data = upload.read()
    cap = _pixel_cap(kind, data)
    try:
        verdict = sandbox.run_limited(
            image_probe.decode_verdict,
            data,
            kind,
            cap,
            cpu_seconds=DECODE_CPU_SECONDS,
            memory_bytes=DECODE_MEMORY_BYTES,
        )
    except sandbox.Overrun as error:
        logger.warning(
            "Upload check stopped by its limits (%s, %d bytes): %s", kind, len(data), error
        )
        raise ValidationError(
            _(
                "The image could not be checked: it takes too long to process. "
                "Send a smaller photo, a screenshot or a PDF."
            ),
            code="too_costly",
        ) from error
    if verdict == image_probe.TOO_MANY_PIXELS:
        raise _too_big(cap)
    if verdict != image_probe.ACCEPTED:
        raise _unreadable()
