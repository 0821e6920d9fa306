"""The receipt checks: type from the content, images that decode, size and pixel limits."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pillow_heif import from_pillow

from claims import image_probe, uploads
from claims.tests import hostile_images
from dreame_service.kit import sandbox


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
    # What the decoding child runs, run here so the patch sees it.
    assert image_probe.decode_verdict(content, uploads.PNG, uploads.MAX_IMAGE_PIXELS) == "accepted"
    assert decoded == []  # only chunks and checksums were read
    assert uploads.validate_receipt(upload(content, name="scan.png")).name.endswith(".png")


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


# --- Files built to cost as much as possible (issue 17; bench/bench_uploads.py measures them)


@pytest.fixture
def decodes(monkeypatch):
    """The checks that reached the decoding child."""
    calls = []
    real = sandbox.run_limited

    def recording(function, *args, **limits):
        calls.append(args[1])
        return real(function, *args, **limits)

    monkeypatch.setattr(sandbox, "run_limited", recording)
    return calls


def test_a_progressive_jpeg_repeating_one_scan_is_refused_before_decoding(decodes):
    # The review's 61-second receipt: one DC scan, then the same AC scan thousands of times.
    content = hostile_images.progressive_jpeg((256, 256), scans=2000, mode="L")
    with pytest.raises(ValidationError) as caught:
        uploads.validate_receipt(upload(content))
    assert caught.value.code == "unusual_structure"
    assert "скриншот" in caught.value.messages[0]  # Russian by default
    assert decodes == []


def test_a_progressive_jpeg_with_as_many_scans_as_editors_write_is_accepted(decodes):
    content = hostile_images.progressive_jpeg((256, 256), scans=uploads.MAX_JPEG_SCANS)
    assert image_probe.jpeg_layout(content, max_scans=100).scans == uploads.MAX_JPEG_SCANS
    assert uploads.validate_receipt(upload(content)).name.endswith(".jpg")
    assert decodes == ["jpeg"]


def test_a_progressive_jpeg_has_the_lower_pixel_cap_and_a_baseline_one_does_not():
    size = (4200, 4100)  # 17.2 MP
    progressive = hostile_images.one_colour("JPEG", size, progressive=True)
    with pytest.raises(ValidationError) as caught:
        uploads.validate_receipt(upload(progressive))
    assert caught.value.code == "too_many_pixels"
    assert caught.value.params == {"megapixels": 16}
    baseline = hostile_images.one_colour("JPEG", size)
    assert uploads.validate_receipt(upload(baseline)).name.endswith(".jpg")


def test_an_arithmetic_coded_jpeg_is_refused_as_unreadable():
    content = bytearray(image_bytes("JPEG"))
    content[content.index(b"\xff\xc0") + 1] = 0xC9  # the same frame, arithmetic coding
    assert error_code(bytes(content)) == "bad_image"


@pytest.mark.parametrize(
    "build", [hostile_images.png_of_tiny_chunks, hostile_images.png_of_text_chunks]
)
def test_a_png_of_tens_of_thousands_of_chunks_is_refused_before_decoding(build, decodes):
    content = build(300_000)  # 25,000 chunks; ten megabytes would be 870,000
    assert image_probe.png_chunk_count(content, max_chunks=10**6) > uploads.MAX_PNG_CHUNKS
    assert error_code(content, name="x.png") == "unusual_structure"
    assert decodes == []


def test_a_png_of_ordinary_chunks_is_accepted():
    content = hostile_images.png_of_tiny_chunks(40_000)  # 3,300 chunks, under the cap
    assert uploads.validate_receipt(upload(content, name="x.png")).name.endswith(".png")


def test_a_decode_over_its_memory_limit_is_refused_with_a_message(monkeypatch):
    # The child's address-space limit is real: a 24 MP JPEG cannot decode in 1 MB more.
    monkeypatch.setattr(uploads, "DECODE_MEMORY_BYTES", 1024 * 1024)
    with pytest.raises(ValidationError) as caught:
        uploads.validate_receipt(upload(image_bytes("JPEG", size=(6000, 4000))))
    assert caught.value.code == "too_costly"
    assert "PDF" in caught.value.messages[0]


def test_a_heif_grid_of_more_tiles_than_a_phone_writes_is_refused(monkeypatch, decodes):
    grid = hostile_images.one_colour("HEIF", (256, 256), tile_size=64)  # 16 tiles and the grid
    assert image_probe.heif_item_count(grid) == 17
    assert uploads.validate_receipt(upload(grid)).name.endswith(".heic")
    monkeypatch.setattr(uploads, "MAX_HEIF_ITEMS", 16)
    assert error_code(grid) == "unusual_structure"
    assert decodes == ["heif"]  # only the first check reached the decoder


@pytest.mark.parametrize("fmt", ["WEBP", "HEIF"])
def test_formats_decoded_whole_have_a_lower_byte_limit(monkeypatch, fmt):
    content = image_bytes(fmt, size=(300, 200))
    monkeypatch.setattr(uploads, "FULL_DECODE_MAX_BYTES", len(content) - 1)
    with pytest.raises(ValidationError) as caught:
        uploads.validate_receipt(upload(content))
    assert caught.value.code == "too_large"
    assert "JPEG" in caught.value.messages[0]
