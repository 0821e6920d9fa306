"""Every validation rule of the claim form and the supplement form."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from claims.forms import FAULT_DESCRIPTION_MAX, ClaimForm, SupplementForm
from claims.models import ProductModel
from claims.tests.factories import claim_form_fields


@pytest.fixture(autouse=True)
def _english():
    # Messages are compared in English here; one test checks the Russian default.
    with translation.override("en"):
        yield


PRODUCTS = [ProductModel(pk=1, name="DREAME L20 Ultra"), ProductModel(pk=2, name="DREAME Z30")]


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, format="JPEG")
    return SimpleUploadedFile("IMG_0001.JPG", buffer.getvalue(), content_type="image/jpeg")


def valid_data(**overrides) -> dict:
    return (
        claim_form_fields(
            product_model="1",
            purchase_date=(timezone.localdate() - datetime.timedelta(days=20)).isoformat(),
            form_token="0" * 32,
        )
        | overrides
    )


def claim_form(files=None, **overrides) -> ClaimForm:
    files = {"receipt": jpeg()} if files is None else files
    return ClaimForm(valid_data(**overrides), files, products=PRODUCTS)


def errors(form, field) -> list[str]:
    assert not form.is_valid()
    return form.errors[field]


def test_it_maps_a_valid_form_to_the_claims_fields():
    form = claim_form()

    assert form.is_valid(), form.errors
    data = form.claim_data()
    assert str(data["phone"]) == "+77012345678"  # E.164
    assert data["product"] is PRODUCTS[0]
    assert data["product_model"] == "DREAME L20 Ultra"
    assert data["whatsapp"] == ""
    assert data["purchase_date"] == timezone.localdate() - datetime.timedelta(days=20)
    assert set(data) >= {"full_name", "email", "region", "city", "address", "postal_code"}


def test_it_stores_a_model_that_is_not_in_the_catalogue_as_typed():
    form = claim_form(product_model="other", product_model_other="  DREAME X50 Ultra ")

    assert form.is_valid(), form.errors
    assert form.claim_data()["product"] is None
    assert form.claim_data()["product_model"] == "DREAME X50 Ultra"


def test_it_asks_for_the_model_name_when_other_is_chosen_without_one():
    assert errors(claim_form(product_model="other"), "product_model_other")


def test_it_refuses_a_product_that_is_not_offered():
    assert errors(claim_form(product_model="999"), "product_model")


@pytest.mark.parametrize("phone", ["87012345678", "+7 (701) 234-56-78", "8 727 355 00 00"])
def test_it_accepts_kazakhstan_numbers_in_common_spellings(phone):
    form = claim_form(phone=phone)

    assert form.is_valid(), form.errors
    assert str(form.cleaned_data["phone"]).startswith("+77")


@pytest.mark.parametrize(
    "phone",
    [
        "+7 916 123 45 67",  # Moscow mobile: +7 but not Kazakhstan
        "+49 30 1234567",
        "12345",
        "not a phone",
        "+7 701 234 56 78 99",
    ],
)
def test_it_refuses_numbers_that_are_not_kazakhstans(phone):
    assert "Kazakhstan" in errors(claim_form(phone=phone), "phone")[0]


def test_it_copies_the_phone_to_whatsapp_when_asked():
    form = claim_form(whatsapp_same_as_phone="on", whatsapp="")

    assert form.is_valid(), form.errors
    assert str(form.claim_data()["whatsapp"]) == "+77012345678"


def test_it_validates_a_separate_whatsapp_number():
    assert errors(claim_form(whatsapp="+1 202 555 0100"), "whatsapp")

    form = claim_form(whatsapp="8 777 123 45 67")
    assert form.is_valid(), form.errors
    assert str(form.claim_data()["whatsapp"]) == "+77771234567"


@pytest.mark.parametrize("postal_code", ["05000", "0500001", "abcdef", "050 00"])
def test_it_wants_six_digits_for_the_postal_code(postal_code):
    assert "6 digits" in errors(claim_form(postal_code=postal_code), "postal_code")[0]


def test_it_accepts_the_date_typed_the_kazakh_way():
    form = claim_form(purchase_date="01.02.2025")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["purchase_date"] == datetime.date(2025, 2, 1)


@pytest.mark.parametrize("value", ["31.02.2025", "yesterday", "2025-13-01"])
def test_it_refuses_a_date_that_does_not_exist(value):
    assert errors(claim_form(purchase_date=value), "purchase_date")


def test_it_refuses_a_purchase_date_in_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    assert errors(claim_form(purchase_date=tomorrow.isoformat()), "purchase_date") == [
        "The purchase date cannot be in the future."
    ]


def test_it_refuses_a_purchase_more_than_ten_years_ago():
    long_ago = timezone.localdate() - datetime.timedelta(days=3660)

    assert "10 years" in errors(claim_form(purchase_date=long_ago.isoformat()), "purchase_date")[0]


def test_it_says_in_russian_that_the_purchase_date_is_in_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with translation.override("ru"):
        message = errors(claim_form(purchase_date=tomorrow.isoformat()), "purchase_date")[0]

    assert "будущ" in message


def test_it_limits_the_fault_description_with_a_clear_message():
    form = claim_form(fault_description="ы" * 1_000_000)

    message = errors(form, "fault_description")[0]
    assert str(FAULT_DESCRIPTION_MAX) in message and "1000000" in message


def test_it_requires_consent_to_data_processing():
    data = valid_data()
    del data["consent"]
    form = ClaimForm(data, {"receipt": jpeg()}, products=PRODUCTS)

    assert "consent" in errors(form, "consent")[0]


@pytest.mark.parametrize("field", ["full_name", "email", "city", "address", "serial_number"])
def test_it_requires_each_contact_and_product_field(field):
    assert errors(claim_form(**{field: ""}), field)


def test_it_refuses_a_region_outside_the_list():
    assert errors(claim_form(region="Москва"), "region")


def test_it_refuses_an_invalid_email():
    assert errors(claim_form(email="aigerim@"), "email")


def test_it_requires_the_receipt():
    assert errors(claim_form(files={}), "receipt") == ["Choose the file with your receipt."]


def test_it_refuses_an_html_page_renamed_to_jpg():
    fake = SimpleUploadedFile("receipt.jpg", b"<html><script>alert(1)</script>", "image/jpeg")

    assert "not accepted" in errors(claim_form(files={"receipt": fake}), "receipt")[0]


def test_it_keeps_unicode_and_markup_as_plain_text():
    text = "שלום <script>alert('x')</script> Сәлем 🙂"
    form = claim_form(full_name=text, fault_description=text)

    assert form.is_valid(), form.errors
    assert form.claim_data()["full_name"] == text


def test_it_notices_the_honeypot():
    form = claim_form(leave_empty="http://spam.example")

    assert form.is_valid()
    assert form.is_honeypot_filled


def test_supplement_needs_text_or_a_file():
    assert not SupplementForm({"text": "  "}, {}).is_valid()
    assert SupplementForm({"text": "Вот фото чека"}, {}).is_valid()
    assert SupplementForm({"text": ""}, {"receipt": jpeg()}).is_valid()


def test_supplement_checks_the_file_like_the_claim_form():
    fake = SimpleUploadedFile("r.pdf", b"MZ\x90\x00" * 10, "application/pdf")
    form = SupplementForm({"text": "см. файл"}, {"receipt": fake})

    assert not form.is_valid()
    assert form.errors["receipt"]
