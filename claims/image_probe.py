"""What an uploaded image is made of, and whether it decodes: plain Python and Pillow, no Django.

Two steps with different costs. `jpeg_layout` walks a JPEG's markers without decoding
anything (microseconds per marker), so a file whose decoding would cost too much is refused
from its structure alone. `decode_verdict` decodes; the upload check runs it in a child
process with CPU and memory limits (dreame_service.kit.sandbox), so this module is also what
that child imports: nothing here may need Django's settings.
"""

import io
import re
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, UnidentifiedImageError

pillow_heif.register_heif_opener()
# One decoding thread: a grid of tiles decoded by four would reserve four threads' stacks
# and malloc arenas, and take more than its share of the CPU from the pages around it.
pillow_heif.options.DECODE_THREADS = 1
# Every format plugin now, in the fork server, not lazily in each child (~10 ms each time).
Image.init()

JPEG, PNG, WEBP, HEIF = "jpeg", "png", "webp", "heif"
PILLOW_FORMATS = {JPEG: {"JPEG", "MPO"}, PNG: {"PNG"}, WEBP: {"WEBP"}, HEIF: {"HEIF"}}

# What decode_verdict answers.
ACCEPTED, UNREADABLE, TOO_MANY_PIXELS = "accepted", "unreadable", "too_many_pixels"

# Start-of-frame markers whose data libjpeg decodes with Huffman coding: baseline (C0),
# extended sequential (C1) and progressive (C2). Cameras, phones and editors write these;
# arithmetic, lossless and hierarchical frames are refused (nobody sends them, and their
# decoders are the least exercised).
BASELINE_FRAMES = frozenset({0xC0, 0xC1})
PROGRESSIVE_FRAME = 0xC2
OTHER_FRAMES = frozenset({0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
SOS, EOI, SOI = 0xDA, 0xD9, 0xD8
# After a scan's header its entropy-coded data runs until a marker other than a restart:
# inside the data every 0xFF byte is followed by 0x00 (stuffing) or a restart RST0-7.
NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7]")


@dataclass(frozen=True)
class JpegLayout:
    frame: int | None  # the start-of-frame marker (0xC0…0xCF), None if none came
    scans: int  # start-of-scan markers up to the end of the first image (or the cap)


def jpeg_layout(data: bytes, *, max_scans: int) -> JpegLayout:
    """The frame type and number of scans of the first image in a JPEG file.

    Stops counting at `max_scans + 1`: a file repeating one scan thousands of times is
    known to be too many after walking that far. A damaged structure ends the walk; the
    decoder then says whether the file is readable.
    """
    frame = None
    scans = 0
    pos = 2  # after SOI
    size = len(data)
    while pos + 1 < size and scans <= max_scans:
        if data[pos] != 0xFF:
            break
        while pos < size and data[pos] == 0xFF:  # fill bytes may pad a marker
            pos += 1
        if pos >= size:
            break
        marker = data[pos]
        pos += 1
        if marker == EOI:
            break
        if marker == SOI or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue  # markers without a length
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2:
            break
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC) and frame is None:
            frame = marker
        pos += length
        if marker == SOS:
            scans += 1
            found = NEXT_MARKER.search(data, pos)
            if found is None:
                break
            pos = found.start()
    return JpegLayout(frame=frame, scans=scans)


PNG_SIGNATURE_BYTES = 8


def png_chunk_count(data: bytes, *, max_chunks: int) -> int:
    """How many chunks a PNG file has, counting up to `max_chunks + 1`.

    Pillow reads chunks one by one in Python (about 1.5 µs each): ten megabytes of empty
    chunks would cost seconds, so their number is bounded before Pillow sees the file.
    """
    count = 0
    pos = PNG_SIGNATURE_BYTES
    size = len(data)
    while pos + 8 <= size and count <= max_chunks:
        length = int.from_bytes(data[pos : pos + 4], "big")
        count += 1
        if data[pos + 4 : pos + 8] == b"IEND":
            break
        pos += 12 + length  # length, type, payload, checksum
    return count


def heif_item_count(data: bytes) -> int:
    """How many items (images, grid tiles, thumbnails, metadata) a HEIF file declares.

    A grid photo is decoded tile by tile, each with its own set-up: the number of items,
    read from the `iinf` box inside the top-level `meta` box, bounds that cost. 0 when the
    boxes are not where they belong (the decoder then refuses the file).
    """
    for box, start, end in _boxes(data, 0, len(data)):
        if box == b"meta":
            for inner, inner_start, _inner_end in _boxes(data, start + 4, end):  # full box
                if inner == b"iinf":
                    version = data[inner_start]
                    count_at = inner_start + 4
                    width = 2 if version == 0 else 4
                    return int.from_bytes(data[count_at : count_at + width], "big")
    return 0


def _boxes(data: bytes, start: int, end: int):
    """(type, payload start, end) of the ISO-BMFF boxes between start and end."""
    pos = start
    while pos + 8 <= end:
        size, header = int.from_bytes(data[pos : pos + 4], "big"), 8
        if size == 1:
            size, header = int.from_bytes(data[pos + 8 : pos + 16], "big"), 16
        elif size == 0:
            size = end - pos
        if size < header:
            return
        yield data[pos + 4 : pos + 8], pos + header, pos + size
        pos += size


def decode_verdict(data: bytes, kind: str, max_pixels: int) -> str:
    """Whether the bytes are a readable image of the kind within `max_pixels`.

    JPEG is decoded at 1/8 scale (enough to prove the data is an image); a PNG only has its
    chunks and checksums read, not its pixels inflated; WebP and HEIF are decoded whole.
    """
    if kind == HEIF:
        return _heif_verdict(data, max_pixels)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Opening reads the header only: the size is known before any pixel is decoded.
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in PILLOW_FORMATS[kind]:
                    return UNREADABLE
                width, height = image.size
                if width * height > max_pixels:
                    return TOO_MANY_PIXELS
                if kind == PNG:
                    image.verify()
                else:
                    image.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))
                    image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return TOO_MANY_PIXELS
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return UNREADABLE
    return ACCEPTED


def _heif_verdict(data: bytes, max_pixels: int) -> str:
    # libheif decodes straight into one RGB buffer: without Pillow's copy of it, a 24 MP
    # photo costs 110 MB instead of 170 (bench/bench_uploads.py).
    try:
        heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
        width, height = heif.size
        if width * height > max_pixels:
            return TOO_MANY_PIXELS
        if not heif.data:
            return UNREADABLE
    except RuntimeError as error:
        if "Memory allocation" in str(error):
            raise MemoryError(str(error)) from error  # the child's limit: too costly, not damaged
        return UNREADABLE
    except (OSError, ValueError, SyntaxError, EOFError):
        return UNREADABLE
    return ACCEPTED
