"""The customer's parcel on «Мой ремонт»: one spelling per number, a typo corrected while the
parcel is on its way, and the number linked to the carrier's page, as the customer reads it."""

import re

import pytest
from django.test import Client

from notifications.models import Notification
from notifications.services import render_email
from repairs.models import OrderStatus, Shipment
from repairs.tests.factories import TechnicianFactory, make_order, run_step
from repairs.tests.my_repair.helpers import my_path
from tests.pages import visible_text

pytestmark = pytest.mark.django_db
S = OrderStatus
KAZPOST_PAGE = "https://post.kz/mail/search/track/RR123456785KZ/detail"


def _link(html: str, url: str) -> str:
    """The <a> element that opens `url`, whole."""
    found = re.search(rf'<a href="{re.escape(url)}"[^>]*>.*?</a>', html)
    assert found, url
    return found.group()


def _sent_parcel(client, **claim_fields):
    order = make_order(status=S.AWAITING_SHIPMENT, **claim_fields)
    response = client.post(
        my_path(order, "parcel/"), {"carrier": "Казпочта", "tracking_number": "rr 123-456-785 kz"}
    )
    assert response.status_code == 302
    return order


def _inbound(order) -> Shipment:
    return Shipment.objects.get(repair_order=order, direction="inbound")


def test_the_number_is_saved_as_the_carrier_prints_it_and_linked_to_its_page(client):
    order = _sent_parcel(client)
    assert _inbound(order).tracking_number == "RR123456785KZ"

    html = client.get(my_path(order)).content.decode()
    link = _link(html, KAZPOST_PAGE)
    assert 'target="_blank"' in link and 'rel="noopener"' in link
    assert "RR123456785KZ" in visible_text(link)
    assert "откроется в новой вкладке" in visible_text(link)  # said to a screen reader


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ru", "В трек-номере опечатка: не сходится контрольная цифра."),
        ("kk", "Трек-нөмірде қате бар: бақылау цифры сәйкес келмейді."),
        ("en", "This tracking number has a typo: its check digit does not match."),
    ],
)
def test_a_kazpost_number_with_a_wrong_check_digit_is_refused_in_the_claims_language(
    client, language, message
):
    order = make_order(status=S.AWAITING_SHIPMENT, language=language)
    response = client.post(
        my_path(order, "parcel/"), {"carrier": "Казпочта", "tracking_number": "RR123456789KZ"}
    )
    assert response.status_code == 400
    text = visible_text(response.content.decode())
    assert message in text
    assert 'value="RR123456789KZ"' in response.content.decode()  # what was typed is kept
    assert order.shipments.count() == 0


def test_another_carriers_number_is_tidied_and_shown_without_a_link_when_it_has_no_page(client):
    order = make_order(status=S.AWAITING_SHIPMENT)
    client.post(my_path(order, "parcel/"), {"carrier": "Exline", "tracking_number": "ex 12-34"})
    assert _inbound(order).tracking_number == "EX1234"
    html = client.get(my_path(order)).content.decode()
    number = re.search(r'<dd class="tracking-number">(.*?)</dd>', html).group(1)
    assert number == "EX1234"  # no <a>: Exline has no page that opens a parcel by link


# --- Correcting a typo --------------------------------------------------------------------


def test_while_the_parcel_is_on_its_way_the_customer_corrects_the_number(client):
    order = _sent_parcel(client)
    page = visible_text(client.get(my_path(order)).content.decode())
    assert "Исправить трек-номер" in page

    response = client.post(
        my_path(order, "parcel/correct/"), {"carrier": "CDEK", "tracking_number": "10 9876 5432"}
    )

    assert response.status_code == 302 and response["Location"] == my_path(order)
    parcel = _inbound(order)
    assert (parcel.carrier, parcel.tracking_number) == ("CDEK", "1098765432")
    assert order.shipments.count() == 1
    event = order.status_events.get(transition="correct_parcel")
    assert event.by_customer and event.by is None
    assert (event.from_status, event.to_status) == (S.IN_TRANSIT, S.IN_TRANSIT)
    assert event.internal_note == "Казпочта RR123456785KZ → CDEK 1098765432"
    html = client.get(my_path(order)).content.decode()
    assert "Теперь сервисный центр ждёт посылку с этим номером." in visible_text(html)
    assert "https://www.cdek.kz/ru/tracking?order_id=1098765432" in html


def test_the_technician_reads_in_the_history_that_the_customer_corrected_the_number(client):
    technician = TechnicianFactory()
    order = make_order(status=S.AWAITING_SHIPMENT, technician=technician)
    client.post(
        my_path(order, "parcel/"), {"carrier": "Kazpost", "tracking_number": "RR123456785KZ"}
    )
    client.post(
        my_path(order, "parcel/correct/"),
        {"carrier": "Kazpost", "tracking_number": "rr987654326kz"},
    )

    staff = Client()
    staff.force_login(technician.user)
    page = visible_text(staff.get(f"/service/orders/{order.pk}/").content.decode())
    assert "Трек-номер исправлен" in page
    assert "Kazpost RR123456785KZ → Kazpost RR987654326KZ" in page


def test_a_wrong_correction_is_refused_and_the_saved_number_stays(client):
    order = _sent_parcel(client)
    response = client.post(
        my_path(order, "parcel/correct/"),
        {"carrier": "Kazpost", "tracking_number": "RR123456786KZ"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert '<details class="my-correct" open>' in html  # the error is in view
    assert "контрольная цифра" in visible_text(html)
    assert _inbound(order).tracking_number == "RR123456785KZ"
    assert not order.status_events.filter(transition="correct_parcel").exists()


def test_the_same_number_again_writes_no_history_row(client):
    order = _sent_parcel(client)
    client.post(
        my_path(order, "parcel/correct/"),
        {"carrier": "Казпочта", "tracking_number": "RR123456785KZ"},
    )
    assert not order.status_events.filter(transition="correct_parcel").exists()


def test_once_the_center_has_the_product_the_number_can_no_longer_be_changed(client):
    order = make_order(status=S.RECEIVED, via=[S.IN_TRANSIT])
    before = _inbound(order).tracking_number
    assert "Исправить трек-номер" not in visible_text(client.get(my_path(order)).content.decode())

    response = client.post(
        my_path(order, "parcel/correct/"), {"carrier": "CDEK", "tracking_number": "1098765432"}
    )

    assert response.status_code == 409
    assert _inbound(order).tracking_number == before
    assert not order.status_events.filter(transition="correct_parcel").exists()


def test_before_any_parcel_there_is_nothing_to_correct(client):
    order = make_order(status=S.AWAITING_SHIPMENT)
    response = client.post(
        my_path(order, "parcel/correct/"), {"carrier": "CDEK", "tracking_number": "1098765432"}
    )
    assert response.status_code == 409
    assert not order.shipments.exists()


# --- The return parcel: the page and the e-mail ---------------------------------------------


def _shipped_back(language: str, carrier="CDEK", number="10-9876-5432"):
    technician = TechnicianFactory()
    order = make_order(status=S.READY_FOR_RETURN, technician=technician, language=language)
    run_step(
        "ship_back",
        order,
        technician.user,
        per_step={"ship_back": {"carrier": carrier, "tracking_number": number}},
    )
    return order


CDEK_PAGE = "https://www.cdek.kz/ru/tracking?order_id=1098765432"


@pytest.mark.parametrize(
    ("language", "label", "track"),
    [
        ("ru", "Трек-номер", "Отследить посылку"),
        ("kk", "Трек-нөмір", "Сәлемдемені бақылау"),
        ("en", "Tracking number", "Track the parcel"),
    ],
)
def test_the_shipped_back_email_links_the_carriers_page(language, label, track):
    _shipped_back(language)
    mail = Notification.objects.get(template="shipped_back")
    _subject, text, html = render_email(
        template=mail.template, language=mail.language, context=mail.context
    )
    link = _link(html, CDEK_PAGE)
    assert 'target="_blank"' in link and 'rel="noopener"' in link
    assert visible_text(link) == "1098765432"  # no hidden text in an e-mail
    assert f"{label}: 1098765432\n{track}: {CDEK_PAGE}\n" in text


def test_a_return_by_a_carrier_without_a_page_has_the_number_and_no_link_in_the_email():
    _shipped_back("ru", carrier="Pony Express", number="pe 77")
    mail = Notification.objects.get(template="shipped_back")
    _subject, text, html = render_email(
        template=mail.template, language=mail.language, context=mail.context
    )
    assert "Трек-номер: PE77\n" in text and "Отследить посылку" not in text
    assert "<strong>PE77</strong>" in html


def test_my_repair_links_the_return_parcel(client):
    order = _shipped_back("en")
    html = client.get(my_path(order)).content.decode()
    link = _link(html, CDEK_PAGE)
    assert "1098765432 (the carrier's tracking page, opens in a new tab)" in visible_text(link)
