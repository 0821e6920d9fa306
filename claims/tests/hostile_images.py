"""Images built to cost as much as possible to check, within the upload's size limit.

Shared by the upload tests and bench/bench_uploads.py (which measures each of them).
"""

import io
import struct
import zlib

from PIL import Image
from pillow_heif import from_pillow

from claims.image_probe import NEXT_MARKER


def one_colour(fmt: str, size: tuple[int, int], *, mode="RGB", **options) -> bytes:
    """The fewest bytes for the most pixels: what an attacker sends first."""
    buffer = io.BytesIO()
    image = Image.new(mode, size, (128, 128, 128) if mode == "RGB" else 0)
    if fmt == "HEIF":
        from_pillow(image).save(buffer, format="HEIF", **options)
    else:
        image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _segments(data: bytes):
    """(marker, start, end) of each JPEG segment up to EOI; a scan's end includes its data."""
    pos = 2
    while pos < len(data):
        while data[pos] == 0xFF:
            pos += 1
        marker, start = data[pos], pos - 1
        pos += 1
        if marker == 0xD9:
            return
        length = int.from_bytes(data[pos : pos + 2], "big")
        pos += length
        if marker == 0xDA:
            pos = NEXT_MARKER.search(data, pos).start()
        yield marker, start, pos


def progressive_jpeg(size: tuple[int, int], *, scans: int, mode="RGB") -> bytes:
    """A progressive JPEG whose first AC scan (and the Huffman table before it) is repeated
    until the file has `scans` scans: each repeat makes the decoder pass over the whole
    image again, for a few bytes of file (the security review's 61 s receipt)."""
    base = one_colour("JPEG", size, mode=mode, progressive=True, quality=95, subsampling=0)
    segments = list(_segments(base))
    scan_indexes = [i for i, (marker, _, _) in enumerate(segments) if marker == 0xDA]
    second = scan_indexes[1]  # the first scan is DC; the second is an AC band
    start = segments[second - 1][1] if segments[second - 1][0] == 0xC4 else segments[second][1]
    end = segments[second][2]
    repeats = max(scans - len(scan_indexes), 0)
    return base[:start] + base[start:end] * (repeats + 1) + base[end:]


def _chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def png_of_tiny_chunks(total_bytes: int) -> bytes:
    """A valid small PNG whose pixel data is cut into empty and one-byte IDAT chunks until
    the file is `total_bytes` long: a checksum check per 12 bytes of file."""
    buffer = io.BytesIO()
    Image.new("L", (64, 64), 128).save(buffer, format="PNG")
    data = buffer.getvalue()
    ihdr_end = 8 + 25
    idat_at = data.index(b"IDAT") - 4
    length = struct.unpack(">I", data[idat_at : idat_at + 4])[0]
    compressed = data[idat_at + 8 : idat_at + 8 + length]
    chunks = [_chunk(b"IDAT", compressed[i : i + 1]) for i in range(len(compressed))]
    empty = _chunk(b"IDAT", b"")
    room = total_bytes - ihdr_end - sum(map(len, chunks)) - 12
    return data[:ihdr_end] + empty * (room // len(empty)) + b"".join(chunks) + _chunk(b"IEND", b"")


def png_of_text_chunks(total_bytes: int) -> bytes:
    """A PNG whose header area is filled with small text chunks (read before any pixel)."""
    buffer = io.BytesIO()
    Image.new("L", (64, 64), 128).save(buffer, format="PNG")
    data = buffer.getvalue()
    ihdr_end = 8 + 25
    text = _chunk(b"tEXt", b"k\x00v")
    return data[:ihdr_end] + text * ((total_bytes - len(data)) // len(text)) + data[ihdr_end:]
