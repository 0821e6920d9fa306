"""What tests of every app share to read a page and to make an upload."""

import io
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg_bytes(*, size=(64, 48), color="red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


def jpeg(name="photo.jpg", *, size=(64, 48), color="red") -> SimpleUploadedFile:
    """A small real JPEG, as a phone's camera or a file picker would send it."""
    return SimpleUploadedFile(name, jpeg_bytes(size=size, color=color), content_type="image/jpeg")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a reader sees: the text nodes, without tags, attributes, scripts or styles."""
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())
