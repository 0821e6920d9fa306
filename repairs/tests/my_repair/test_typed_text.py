"""A stranger's words never read as ours (issue 17, item 7).

A claim filed to someone else's address, with a name and a free-text model that read like a
DREAME refund notice: the e-mails that person gets and the pages their link opens greet
without the name, show the model only in a labelled "you gave in the claim" block, and no
domain or URL in it is left for a mail client to turn into a link.
"""

import pytest

from claims import services as claim_services
from claims.tests.factories import ClaimFactory, claim_step
from notifications.models import Notification
from notifications.services import render_email
from notifications.tests.samples import HOSTILE_MODEL, HOSTILE_NAME
from repairs.models import OrderStatus
from repairs.tests.factories import make_order
from repairs.tests.my_repair.helpers import my_path
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

VICTIM = "someone.else@example.kz"
INERT_MODEL = "Возврат средств: войдите на https:// dreame-refund. example/kz"


def _assert_nothing_typed_speaks_for_us(part: str) -> None:
    assert "dreame-refund.example" not in part  # no auto-linkable host
    assert "://dreame-refund" not in part  # no auto-linkable URL
    assert "Здравствуйте, ВОЗВРАТ" not in part and "Hello, ВОЗВРАТ" not in part


def test_the_emails_to_the_claims_address_greet_without_the_name_and_link_nothing_typed():
    claim = ClaimFactory(full_name=HOSTILE_NAME, product_model=HOSTILE_MODEL, email=VICTIM)
    claim_services.send_links_again(contact=VICTIM)
    claim_step(claim, "withdraw")

    sent = Notification.objects.filter(recipient=VICTIM).order_by("pk")
    assert [row.template for row in sent] == ["my_link", "claim_withdrawn"]
    for row in sent:
        subject, text, html = render_email(
            template=row.template, language=row.language, context=row.context
        )
        for part in (subject, text, html):
            _assert_nothing_typed_speaks_for_us(part)
            assert "ВОЗВРАТ" not in part
        assert text.startswith("Здравствуйте!\n")
        assert f"Вы указали в заявке:\nМодель товара: {INERT_MODEL}\n" in text
        assert f"{INERT_MODEL}</td>" in html


def test_the_personal_page_greets_no_one_by_the_typed_name_and_quotes_the_model_inert(client):
    claim = ClaimFactory(full_name=HOSTILE_NAME, product_model=HOSTILE_MODEL, email=VICTIM)

    html = client.get(my_path(claim)).content.decode()

    _assert_nothing_typed_speaks_for_us(html)
    assert "ВОЗВРАТ" not in html
    text = visible_text(html)
    assert "Вы указали в заявке: Модель товара " + INERT_MODEL in text
    assert text.count("Возврат средств") == 1  # nowhere else, not as the page's heading


def test_the_status_page_labels_the_typed_model_and_keeps_it_inert(client):
    order = make_order(status=OrderStatus.RECEIVED, product_model=HOSTILE_MODEL)
    query = {"order_number": order.order_number, "intake_date": order.intake_date.isoformat()}

    html = client.get("/partners/repair-status/", query).content.decode()

    _assert_nothing_typed_speaks_for_us(html)
    assert "Товар, как указано в заявке: " + INERT_MODEL in visible_text(html)
