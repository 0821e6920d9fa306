"""The claim's confirmation page quotes what was typed, labelled and inert (issue 17)."""

import pytest

from claims import signing
from claims.tests.factories import ClaimFactory
from notifications.tests.samples import HOSTILE_MODEL, HOSTILE_NAME
from tests.pages import visible_text

pytestmark = pytest.mark.django_db


def test_the_confirmation_lists_what_was_typed_and_puts_none_of_it_in_our_sentences(client):
    claim = ClaimFactory(
        full_name=HOSTILE_NAME,
        product_model=HOSTILE_MODEL,
        serial_number="dreame-refund.example",
        email="ivan@dreame-refund.example",
    )

    response = client.get(f"/claims/submitted/{signing.confirmation_token(claim.number)}/")

    text = visible_text(response.content.decode())
    assert "ВОЗВРАТ" not in text
    assert "Модель товара Возврат средств: войдите на https:// dreame-refund. example/kz" in text
    assert "Серийный номер dreame-refund. example" in text
    # The address we wrote to, exactly as typed (a typo must be recognisable), and only
    # as a labelled value: our sentence names no address.
    assert "Эл. почта ivan@dreame-refund.example" in text
    assert "Мы отправили подтверждение на адрес электронной почты, указанный в заявке." in text
    assert text.count("dreame-refund.example") == 1
