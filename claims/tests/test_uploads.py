"""The receipt checks: type from the content, images that decode, size and pixel limits."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pillow_heif import from_pillow

from claims import uploads


def image_bytes(fmt: str, size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    if fmt == "HEIF":
        from_pillow(image).save(buffer, format="HEIF")
    else:
        image.save(buffer, format=fmt)
    return buffer.getvalue()


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def upload(content: bytes, name="receipt.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def error_code(content: bytes, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        uploads.validate_receipt(upload(content, **kwargs))
    return caught.value.code


@pytest.mark.parametrize(
    ("content", "extension", "content_type"),
    [
        (image_bytes("JPEG"), ".jpg", "image/jpeg"),
        (image_bytes("PNG"), ".png", "image/png"),
        (image_bytes("WEBP"), ".webp", "image/webp"),
        (image_bytes("HEIF"), ".heic", "image/heic"),
        (PDF, ".pdf", "application/pdf"),
    ],
)
def test_it_accepts_each_allowed_type_under_a_generated_name(content, extension, content_type):
    # The name the customer's phone gave is dropped; the extension follows the real type.
    checked = uploads.validate_receipt(upload(content, name="../../Мой чек.EXE"))

    assert checked.name.endswith(extension)
    assert len(checked.name) == 32 + len(extension)
    assert "чек" not in checked.name and "/" not in checked.name
    assert checked.content_type == content_type
    assert checked.read() == content  # left at the start, ready to be stored


def test_it_gives_two_uploads_different_names():
    first = uploads.validate_receipt(upload(image_bytes("PNG"), name="a.png"))
    second = uploads.validate_receipt(upload(image_bytes("PNG"), name="a.png"))

    assert first.name != second.name


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,  # a Windows .exe renamed .jpg
        b"<!doctype html><script>alert(1)</script>",  # HTML renamed .jpg
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"GIF89a" + b"\x00" * 50,
        b"PK\x03\x04" + b"\x00" * 100,  # zip / docx
        b"\x00\x00\x00\x1cftypavif" + b"\x00" * 40,  # AVIF is not on the list
    ],
)
def test_it_refuses_a_file_whose_content_is_not_an_accepted_type(content):
    assert error_code(content) == "bad_type"


def test_it_refuses_a_pdf_without_its_end_marker():
    assert error_code(b"%PDF-1.7\n" + b"garbage " * 100, name="r.pdf") == "bad_pdf"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_it_refuses_an_image_cut_off_halfway(fmt):
    content = image_bytes(fmt, size=(400, 300))
    assert error_code(content[: len(content) // 2]) == "bad_image"


def test_it_refuses_jpeg_magic_followed_by_garbage():
    assert error_code(b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 20) == "bad_image"


def test_it_refuses_a_decompression_bomb_before_decoding_it():
    # 10 000 x 10 000 pixels of one colour compress to a few kilobytes.
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 100_000

    assert error_code(buffer.getvalue(), name="bomb.png") == "too_many_pixels"


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    content = image_bytes("JPEG") + b"\x00" * (1024 * 1024)

    with pytest.raises(ValidationError) as caught:
        uploads.validate_receipt(upload(content))

    assert caught.value.code == "too_large"
    assert "1" in str(caught.value.messages[0])


def test_it_refuses_an_empty_file():
    assert error_code(b"") == "empty"


def _one_colour_png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_59_mp_png_is_checked_without_decoding_its_pixels(monkeypatch):
    # The review's case: 59.98 MP in a small file, accepted, which used to mean a full decode.
    content = _one_colour_png(7745, 7744)
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self) or None)
    accepted = uploads.validate_receipt(upload(content, name="scan.png"))
    assert accepted.name.endswith(".png")
    assert decoded == []  # only chunks and checksums were read


def test_a_png_with_a_broken_checksum_is_refused():
    content = bytearray(image_bytes("PNG", size=(200, 100)))
    idat = content.index(b"IDAT")
    content[idat + 10] ^= 0xFF  # one flipped byte inside the pixel data
    assert error_code(bytes(content), name="x.png") == "bad_image"


@pytest.mark.parametrize(("fmt", "size"), [("WEBP", (4200, 4100)), ("HEIF", (5000, 5000))])
def test_formats_decoded_whole_have_the_lower_cap(fmt, size):
    with pytest.raises(ValidationError) as caught:
        uploads.validate_receipt(upload(image_bytes(fmt, size=size)))
    assert caught.value.code == "too_many_pixels"
    assert (
        caught.value.params["megapixels"]
        == uploads.FULL_DECODE_MAX_PIXELS[uploads.sniff_kind(image_bytes(fmt)[:16])] // 1_000_000
    )
