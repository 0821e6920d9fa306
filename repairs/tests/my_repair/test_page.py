"""«Мой ремонт» shows each state in words, the customer's data sparingly, in fixed queries."""

import pytest
from django.core import mail  # noqa: F401 - the outbox is the Notification table here

from claims.tests.factories import ClaimFactory, claim_step
from repairs.models import OrderStatus
from repairs.tests.factories import SupportUserFactory, make_order
from repairs.tests.my_repair.helpers import my_path
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

# Every order state, and the claim's own before an order exists.
ORDER_STATES = [
    OrderStatus.AWAITING_SHIPMENT,
    OrderStatus.IN_TRANSIT,
    OrderStatus.RECEIVED,
    OrderStatus.DIAGNOSTICS,
    OrderStatus.AWAITING_APPROVAL,
    OrderStatus.IN_REPAIR,
    OrderStatus.AWAITING_PARTS,
    OrderStatus.READY_FOR_RETURN,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.REFUNDED,
    OrderStatus.CANCELLED,
]


@pytest.mark.parametrize("status", ORDER_STATES)
def test_every_order_state_reads_in_words_in_fixed_queries(
    client, status, django_assert_max_num_queries
):
    order = make_order(status=status)
    path = my_path(order)
    # + the answers to quotes and the estimate's lines (issue 22)
    with django_assert_max_num_queries(8):
        response = client.get(path)
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert order.claim.product_model in text
    assert status not in text.split()  # never a raw state code
    assert response["Referrer-Policy"] == "strict-origin"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_it_shows_no_name_and_masked_contacts_only(client):
    claim = ClaimFactory(full_name="Сатпаева Айгерим Нурлановна", email="aigerim.s@mail.kz")
    text = visible_text(client.get(my_path(claim)).content.decode())
    assert "Айгерим" not in text  # no greeting with what was typed as the name (issue 17)
    assert "Сатпаева" not in text and "Нурлановна" not in text
    assert "aigerim.s@mail.kz" not in text and "a•••@mail.kz" in text
    assert "2345678" not in text and "+7 ••• ••• •• 78" in text
    assert claim.address not in text


def test_a_submitted_claim_shows_its_verdict_and_reply_date_and_can_be_withdrawn(client):
    claim = ClaimFactory()
    text = visible_text(client.get(my_path(claim)).content.decode())
    assert "Поддержка проверяет вашу заявку." in text
    assert claim.response_due_date.strftime("%d.%m.%Y") in text
    assert "Отозвать заявку" in text


def test_a_claim_waiting_for_information_shows_the_question_and_the_form(client):
    claim = ClaimFactory()
    claim_step(
        claim, "request_info", by=SupportUserFactory(), message="Пришлите фото серийного номера"
    )
    html = client.get(my_path(claim)).content.decode()
    assert "Пришлите фото серийного номера" in visible_text(html)
    assert f'action="{my_path(claim, "supplement/")}"' in html


def test_awaiting_shipment_shows_where_to_send_what_and_the_parcel_form(client):
    order = make_order(status=OrderStatus.AWAITING_SHIPMENT)
    center = order.service_center
    html = client.get(my_path(order)).content.decode()
    text = visible_text(html)
    assert center.name in text and center.postal_address in text
    assert center.working_hours in text
    assert "гарантийный талон с печатью продавца" in text
    assert 'name="carrier"' in html and 'name="tracking_number"' in html
    assert f"https://wa.me/{str(center.whatsapp).lstrip('+')}" in html
    # The order number is known from the approval e-mail; the intake date is not yet.
    assert order.display_number in text and "Дата приёма" not in text


def test_after_intake_the_order_number_date_act_and_public_notes_are_there(client):
    order = make_order(status=OrderStatus.DIAGNOSTICS)
    html = client.get(my_path(order)).content.decode()
    text = visible_text(html)
    assert order.display_number in text
    assert order.intake_date.strftime("%d.%m.%Y") in text
    assert my_path(order, "act.pdf") in html


def test_the_act_pdf_is_the_customers_copy(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the copy is stored after commit
        order = make_order(status=OrderStatus.RECEIVED)
    response = client.get(my_path(order, "act.pdf"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")


def test_before_intake_there_is_no_act_to_download(client):
    order = make_order(status=OrderStatus.IN_TRANSIT)
    assert client.get(my_path(order, "act.pdf")).status_code == 404


def test_the_quote_shows_its_price_what_it_covers_and_both_wordings(client):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL)
    html = client.get(my_path(order)).content.decode()
    text = visible_text(html)
    assert "25 000 ₸" in text
    assert "Я согласен" in text or "согласен" in text
    assert text.count("25 000 ₸") >= 3  # the price, and each wording names it
    assert html.count(f'action="{my_path(order, "quote/")}"') == 2


def test_shipped_shows_the_tracking_the_work_and_the_new_warranty_end(client):
    order = make_order(status=OrderStatus.SHIPPED)
    text = visible_text(client.get(my_path(order)).content.decode())
    assert "1234567890" in text and "CDEK" in text
    assert "гарантия" in text.lower() and "продлена" in text


def test_delivered_offers_the_rating_once(client):
    order = make_order(status=OrderStatus.DELIVERED)
    html = client.get(my_path(order)).content.decode()
    assert f'action="{my_path(order, "rating/")}"' in html
    assert html.count('name="score"') == 5
