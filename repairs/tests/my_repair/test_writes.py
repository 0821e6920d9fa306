"""What the customer does through the link: each a POST with CSRF, checked against the
current state under the lock, rate-limited per link, through the services."""

import pytest
from django.test import Client

from claims.models import Claim, ClaimStatus
from claims.tests.factories import ClaimFactory, claim_step
from notifications.models import Notification
from repairs import steps
from repairs.models import OrderStatus, QuoteConsent, RepairOrder, ServiceRating
from repairs.services.customer import hash_address
from repairs.tests.factories import make_order
from repairs.tests.my_repair.helpers import my_path
from tests.pages import visible_text

pytestmark = pytest.mark.django_db


def _status(order) -> str:
    return RepairOrder.objects.values_list("status", flat=True).get(pk=order.pk)


# --- The parcel ---------------------------------------------------------------------------


def test_the_customer_enters_the_tracking_number_and_the_order_is_on_its_way(client):
    order = make_order(status=OrderStatus.AWAITING_SHIPMENT)
    response = client.post(
        my_path(order, "parcel/"), {"carrier": "Казпочта", "tracking_number": "RR123456785KZ"}
    )
    assert response.status_code == 302 and response["Location"] == my_path(order)
    assert _status(order) == OrderStatus.IN_TRANSIT
    parcel = order.shipments.get(direction="inbound")
    assert (parcel.carrier, parcel.tracking_number) == ("Казпочта", "RR123456785KZ")
    event = order.status_events.get(transition="register_shipment")
    assert event.by is None and event.by_customer
    page = visible_text(client.get(my_path(order)).content.decode())
    assert "RR123456785KZ" in page


@pytest.mark.parametrize(
    "tracking_number",
    ["R" * 500, "<script>alert(1)</script>", "RR 123\x00", ""],
)
def test_a_bad_tracking_number_is_refused_with_a_message_and_nothing_changes(
    client, tracking_number
):
    order = make_order(status=OrderStatus.AWAITING_SHIPMENT)
    response = client.post(
        my_path(order, "parcel/"), {"carrier": "CDEK", "tracking_number": tracking_number}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert 'class="errorlist' in html
    assert _status(order) == OrderStatus.AWAITING_SHIPMENT
    assert not order.shipments.exists()


def test_a_second_parcel_post_changes_nothing(client):
    order = make_order(status=OrderStatus.AWAITING_SHIPMENT)
    values = {"carrier": "CDEK", "tracking_number": "1111111111"}
    client.post(my_path(order, "parcel/"), values)
    response = client.post(my_path(order, "parcel/"), {**values, "tracking_number": "2222"})
    assert response.status_code == 409
    assert 'class="status-notice" role="alert"' in response.content.decode()
    assert order.shipments.get().tracking_number == "1111111111"


# --- The quote ----------------------------------------------------------------------------


def test_accepting_the_quote_starts_the_repair_records_consent_and_tells_the_center(client):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL)
    response = client.post(
        my_path(order, "quote/"),
        {"decision": "accept", "quote_amount": "25000"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    assert _status(order) == OrderStatus.IN_REPAIR
    consent = QuoteConsent.objects.get(repair_order=order)
    assert consent.decision == "accepted" and consent.amount == 25000
    assert "25 000 ₸" in consent.wording and order.display_number in consent.wording
    assert consent.client_address_hash == hash_address("10.1.2.3")
    assert len(consent.client_address_hash) == 64  # SHA-256, fits the column exactly
    assert "10.1.2.3" not in consent.client_address_hash
    assert consent.language == "ru"
    event = consent.status_event
    assert event.transition == "accept_quote" and event.by_customer
    assert consent.wording in event.internal_note  # the technician's and support's history
    center_mail = Notification.objects.get(template="center_quote_decided")
    assert center_mail.recipient == order.service_center.email
    assert center_mail.context["accepted"] is True


def test_declining_sends_the_product_back_unrepaired(client):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL)
    client.post(
        my_path(order, "quote/"),
        {"decision": "decline", "quote_amount": "25000", "confirm_decline": "on"},
    )
    assert _status(order) == OrderStatus.READY_FOR_RETURN
    assert QuoteConsent.objects.get(repair_order=order).decision == "declined"
    assert Notification.objects.get(template="center_quote_decided").context["accepted"] is False


def test_a_second_click_or_a_stale_page_is_harmless(client):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL)
    client.post(my_path(order, "quote/"), {"decision": "accept", "quote_amount": "25000"})
    response = client.post(
        my_path(order, "quote/"), {"decision": "decline", "quote_amount": "25000"}
    )
    assert response.status_code == 409
    assert _status(order) == OrderStatus.IN_REPAIR
    assert QuoteConsent.objects.count() == 1
    assert Notification.objects.filter(template="center_quote_decided").count() == 1


def test_after_the_technician_recorded_the_answer_by_phone_the_page_changes_nothing(client):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL)
    technician = order.service_center.technicians.first().user
    steps.run_step(order, "decline_quote", by=technician)
    response = client.post(
        my_path(order, "quote/"), {"decision": "accept", "quote_amount": "25000"}
    )
    assert response.status_code == 409
    assert _status(order) == OrderStatus.READY_FOR_RETURN
    assert not QuoteConsent.objects.exists()


def test_a_price_other_than_the_one_shown_is_not_accepted(client):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL)
    response = client.post(my_path(order, "quote/"), {"decision": "accept", "quote_amount": "1"})
    assert response.status_code == 409
    assert _status(order) == OrderStatus.AWAITING_APPROVAL


@pytest.mark.parametrize(
    "values", [{"decision": "maybe", "quote_amount": "25000"}, {"decision": "accept"}, {}]
)
def test_a_tampered_decision_changes_nothing(client, values):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL)
    assert client.post(my_path(order, "quote/"), values).status_code == 409
    assert _status(order) == OrderStatus.AWAITING_APPROVAL


# --- The rating ---------------------------------------------------------------------------


def test_after_delivery_the_customer_rates_once(client):
    order = make_order(status=OrderStatus.DELIVERED)
    response = client.post(my_path(order, "rating/"), {"score": "5", "comment": "Быстро!"})
    assert response.status_code == 302
    rating = ServiceRating.objects.get(repair_order=order)
    assert (rating.score, rating.comment, rating.service_center_id) == (
        5,
        "Быстро!",
        order.service_center_id,
    )
    again = client.post(my_path(order, "rating/"), {"score": "1"})
    assert again.status_code == 409
    assert ServiceRating.objects.get(repair_order=order).score == 5


@pytest.mark.parametrize("score", ["7", "0", "-1", "five", ""])
def test_a_rating_outside_1_to_5_is_refused_with_a_message(client, score):
    order = make_order(status=OrderStatus.DELIVERED)
    response = client.post(my_path(order, "rating/"), {"score": score})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not ServiceRating.objects.exists()


def test_no_rating_before_delivery(client):
    order = make_order(status=OrderStatus.SHIPPED)
    assert client.post(my_path(order, "rating/"), {"score": "5"}).status_code == 409
    assert not ServiceRating.objects.exists()


# --- The claim: withdraw, supplement --------------------------------------------------------


def test_the_customer_withdraws_a_claim_not_approved_yet(client):
    claim = ClaimFactory()
    assert client.post(my_path(claim, "withdraw/"), {}).status_code == 400  # not confirmed
    response = client.post(my_path(claim, "withdraw/"), {"confirm": "on"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CLOSED
    assert claim.status_events.get(transition="withdraw").by_customer
    assert Notification.objects.filter(template="claim_withdrawn", recipient=claim.email).exists()


def test_an_approved_claim_cannot_be_withdrawn_through_the_link(client):
    order = make_order(status=OrderStatus.AWAITING_SHIPMENT)
    response = client.post(my_path(order, "withdraw/"), {"confirm": "on"})
    assert response.status_code == 409
    assert Claim.objects.get(pk=order.claim_id).status == ClaimStatus.APPROVED


def test_the_customer_answers_a_request_for_information(client):
    from repairs.tests.factories import SupportUserFactory

    claim = ClaimFactory()
    claim_step(claim, "request_info", by=SupportUserFactory(), message="Фото?")
    response = client.post(my_path(claim, "supplement/"), {"text": "Серийный номер SN1"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED and "SN1" in claim.supplement_text


# --- CSRF and the per-link limit -------------------------------------------------------------


def test_every_write_needs_the_csrf_token():
    order = make_order(status=OrderStatus.AWAITING_APPROVAL)
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        my_path(order, "quote/"), {"decision": "accept", "quote_amount": "25000"}
    )
    assert response.status_code == 403
    assert _status(order) == OrderStatus.AWAITING_APPROVAL


def test_writes_are_limited_per_link(client):
    order = make_order(status=OrderStatus.DELIVERED)
    for _ in range(20):
        client.post(my_path(order, "rating/"), {"score": "9"})
    response = client.post(my_path(order, "rating/"), {"score": "5"})
    assert response.status_code == 429
    assert not ServiceRating.objects.exists()


def test_a_get_on_a_write_url_is_refused():
    order = make_order(status=OrderStatus.AWAITING_SHIPMENT)
    assert Client().get(my_path(order, "parcel/")).status_code == 405
