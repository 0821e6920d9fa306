"""Whatever a visitor types into the public pages, the answer is never a server error."""

import pytest
from django.test import Client

UGLY = [
    "\x00",
    "a\x00b",
    "😀" * 100,
    "\u202eabc",  # right-to-left override
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "9" * 5000,
    "%00",
    "..\\..\\etc",
    "ДД.ММ.ГГГГ",
    "31.02.2025",
    "0000-00-00",
    "2025-13-01",
    "99999-01-01",
    " ",
    "1e309",
]
CLAIM_FIELDS = [
    "full_name",
    "email",
    "phone",
    "whatsapp",
    "region",
    "city",
    "address",
    "postal_code",
    "product_model",
    "serial_number",
    "purchase_date",
    "seller",
    "fault_description",
]


def client_for(value: str, subnet: int) -> Client:
    # A client address per value, so the rate limits never mask an error.
    return Client(REMOTE_ADDR=f"10.{subnet}.{len(value) % 250}.{ord(value[0]) % 250}")


@pytest.mark.django_db
@pytest.mark.parametrize("value", UGLY)
def test_the_status_lookup_answers_ugly_input_without_an_error(value):
    client = client_for(value, 1)
    for url in ["/partners/repair-status/", "/api/v1/repair-status/"]:
        for query in [
            {"order_number": value, "intake_date": value},
            {"order_number": "7KQ2M-9XW4D", "intake_date": value},
        ]:
            response = client.get(url, query)
            assert response.status_code in (200, 400, 404), (url, query)
            assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", UGLY)
def test_the_claim_pages_answer_ugly_input_without_an_error(value):
    client = client_for(value, 2)

    response = client.post(
        "/claims/new/", {name: value for name in CLAIM_FIELDS} | {"consent": "on"}
    )

    assert response.status_code == 200  # the form again, with its messages
    assert 'aria-invalid="true"' in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()
    token = value.replace("/", "") or "x"
    assert client.get(f"/claims/supplement/{token}/").status_code == 404
    assert client.get(f"/claims/submitted/{token}/").status_code == 404
