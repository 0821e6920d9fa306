"""What the claim form's tests post: the form's address and a valid form with a receipt."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from claims.models import ProductModel
from claims.tests.factories import claim_form_fields

NEW = "/claims/new/"


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 160)).save(buffer, format="JPEG")
    return buffer.getvalue()


def receipt(content=None, name="IMG_2041.JPG"):
    return SimpleUploadedFile(name, jpeg_bytes() if content is None else content, "image/jpeg")


def form_data(**overrides) -> dict:
    return (
        claim_form_fields(
            product_model=str(ProductModel.objects.get(name="DREAME L20 Ultra").pk),
            purchase_date=(timezone.localdate() - datetime.timedelta(days=10)).strftime("%d.%m.%Y"),
            form_token="a" * 32,
            receipt=receipt(),
        )
        | overrides
    )
