"""The claim form against abuse: line breaks in one-line fields, a confirmation e-mail that
echoes nothing typed, one limit for every spelling of a mailbox, and one claim for parallel
identical POSTs even without a form token."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from claims import services
from claims.forms import ClaimForm
from claims.models import Claim, ProductModel, WarrantyPolicy
from claims.search import email_identity
from claims.tests.claim_form import NEW, form_data
from claims.tests.factories import claim_form_fields
from notifications.models import Notification
from notifications.services import render_email
from repairs.tests.races import race

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_slate(db):
    cache.clear()
    WarrantyPolicy.objects.get_or_create(country="KZ")
    ProductModel.objects.get_or_create(name="DREAME L20 Ultra")
    yield
    cache.clear()


def test_line_breaks_in_one_line_fields_become_spaces():
    product = ProductModel.objects.get(name="DREAME L20 Ultra")
    data = form_data(
        full_name="Айгерим\r\nBcc: victim@example.kz",
        city="Алматы\u2028Subject: free money",
        seller="Technodom\n\n",
        fault_description="Первая строка\nвторая строка",
    )
    form = ClaimForm(data, {"receipt": data["receipt"]}, products=ProductModel.objects.all())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["full_name"] == "Айгерим Bcc: victim@example.kz"
    assert form.cleaned_data["city"] == "Алматы Subject: free money"
    assert form.cleaned_data["seller"] == "Technodom"
    # A description is many lines on purpose.
    assert form.cleaned_data["fault_description"] == "Первая строка\nвторая строка"
    assert product


@pytest.mark.parametrize("value", ["Айгерим\x07", "\u202eмиреглА", "Алматы\x1b[31m"])
def test_control_characters_in_one_line_fields_are_refused_in_the_users_language(value):
    data = form_data(full_name=value, city=value)
    form = ClaimForm(data, {"receipt": data["receipt"]}, products=ProductModel.objects.all())

    assert not form.is_valid()
    message = "Уберите из текста невидимые или управляющие символы."
    assert form.errors["full_name"] == [message]
    assert form.errors["city"] == [message]


def test_the_claim_received_email_echoes_nothing_typed(client):
    client.post(
        NEW,
        form_data(full_name="Купите <a href=http://spam.example>дешёвые часы</a>"),
    )
    notification = Notification.objects.get(template="claim_received")
    subject, text, html = render_email(
        template=notification.template,
        language=notification.language,
        context=notification.context,
    )
    for part in (subject, text, html):
        assert "spam.example" not in part and "часы" not in part
        assert "DREAME L20 Ultra" not in part.replace("DREAME Service", "")
    claim = Claim.objects.get()
    assert claim.number in text and claim.response_due_date.strftime("%d.%m.%Y") in text


@pytest.mark.parametrize(
    ("spelling", "identity"),
    [
        ("Aigerim@Example.kz", "aigerim@example.kz"),
        ("aigerim+shop@example.kz", "aigerim@example.kz"),
        ("AIGERIM+1+2@EXAMPLE.KZ", "aigerim@example.kz"),
    ],
)
def test_every_spelling_of_a_mailbox_is_one_identity(spelling, identity):
    assert email_identity(spelling) == identity


def test_plus_aliases_share_the_per_contact_limit(client):
    for n in range(5):
        response = client.post(
            NEW,
            form_data(email=f"aigerim+{n}@example.kz", phone=f"+7701234567{n}", form_token=""),
        )
        assert response.status_code == 302
    refused = client.post(
        NEW, form_data(email="AIGERIM+6@example.kz", phone="+77012345679", form_token="")
    )
    assert refused.status_code == 429
    assert Claim.objects.count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_identical_claims_without_a_token_make_one(postgres_db):
    WarrantyPolicy.objects.get_or_create(country="KZ")
    data = {
        **{
            key: value
            for key, value in claim_form_fields().items()
            if key in {f.name for f in Claim._meta.fields}
        },
        "phone": "+77012345678",
        "whatsapp": "",
        "product_model": "DREAME L20 Ultra",
        "purchase_date": timezone.localdate() - datetime.timedelta(days=10),
    }
    outcomes = race(*[lambda: services.submit_claim(data=dict(data)) for _ in range(3)])
    claims = [o for o in outcomes if isinstance(o, Claim)]
    duplicates = [o for o in outcomes if isinstance(o, services.DuplicateClaim)]
    assert len(claims) == 1 and len(duplicates) == 2, outcomes
    assert {d.number for d in duplicates} == {claims[0].number}
    assert Claim.objects.filter(email=data["email"]).count() == 1


def _multipart(fields: dict, *, file_field: str, file_name: str, content: bytes):
    """A browser's multipart body, byte for byte (the test client would cut the name)."""
    boundary = "----dreame-test-boundary"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{file_name}"\r\nContent-Type: image/jpeg\r\n\r\n'
    )
    body = "".join(parts).encode() + head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_1000_character_file_name_is_shortened_not_refused(client):
    data = form_data(form_token="b" * 32)
    receipt = data.pop("receipt")
    body, content_type = _multipart(
        {key: value for key, value in data.items() if value is not None},
        file_field="receipt",
        file_name="чек " * 250 + ".jpg",
        content=receipt.read(),
    )
    assert len(body) > 2000
    response = client.post(NEW, data=body, content_type=content_type)
    assert response.status_code == 302, response.content.decode()[:500]
    claim = Claim.objects.get()
    assert len(claim.receipt.name) < 100  # a generated name, not the customer's
