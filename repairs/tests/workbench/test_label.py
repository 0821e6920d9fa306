"""The shelf label (/service/orders/<pk>/label/): what it prints, for whom, at what cost."""

import re

import pytest
from barcode import Code128
from django.db import connection
from django.test.utils import CaptureQueriesContext

from repairs import codes
from repairs.models import OrderStatus
from repairs.tests.factories import make_order
from tests.pages import visible_text

pytestmark = pytest.mark.django_db
S = OrderStatus

# 1 session, 2 user, 3–4 the user's and the groups' permissions, 5 technician + center,
# 6 the order with its claim; 7–9 at most once a minute, the session's renewed idle
# timeout (savepoint, UPDATE, release).
LABEL_QUERIES = 9


def label_url(order) -> str:
    return f"/service/orders/{order.pk}/label/"


def received(technician, **claim_fields):
    return make_order(
        status=S.RECEIVED,
        technician=technician,
        full_name="Айгерим Нурлановна Сатпаева",
        product_model="DREAME L20 Ultra",
        **claim_fields,
    )


def label_of(html: str) -> str:
    found = re.search(r'<section class="shelf-label".*?</section>', html, re.DOTALL)
    assert found, "no label on the page"
    return found.group(0)


def test_the_label_shows_the_number_the_product_the_surname_and_the_intake_date(
    technician, tech_client
):
    order = received(technician)
    response = tech_client.get(label_url(order))

    assert response.status_code == 200
    label = label_of(response.content.decode())
    text = visible_text(label)
    assert order.display_number in text  # 7KQ2M-9XW4D, as the act's stub prints it
    assert "DREAME L20 Ultra" in text
    assert "Сатпаева" in text
    assert f"Принят {order.intake_date.strftime('%d.%m.%Y')}" in text
    assert re.search(r"\b\d{2}\.\d{2}\.\d{4}\b", text)


def test_the_label_names_only_the_surname_of_the_customer(technician, tech_client):
    order = received(technician)
    html = tech_client.get(label_url(order)).content.decode()

    # PII kept minimal: the label sits on an open shelf.
    for private in ("Айгерим", "Нурлановна", "701", order.claim.email, order.claim.city):
        assert private not in html


def test_the_barcode_holds_the_order_number_at_2_printer_dots_a_bar(technician, tech_client):
    order = received(technician)
    label = label_of(tech_client.get(label_url(order)).content.decode())

    svg = codes.code128_svg(order.order_number, options=codes.LABEL_BARCODE_OPTIONS)
    assert svg in label
    width_mm = float(re.search(r'width="([\d.]+)mm"', svg).group(1))
    # The number's modules (Code128 packs digit pairs, so their count depends on the
    # number) and 2 × 11 of quiet zone, each 2 dots at 203 dpi.
    modules = len(Code128(order.order_number).build()[0]) + 2 * 11
    assert width_mm == pytest.approx(modules * 2 * 25.4 / 203, abs=0.01)
    assert width_mm < 58 - 2 * 2.5  # inside the label's padding


def test_the_label_page_has_a_print_button_and_the_way_back_without_inline_code(
    technician, tech_client
):
    order = received(technician)
    html = tech_client.get(label_url(order)).content.decode()

    assert re.search(
        r'<button type="button" class="button" data-print hidden>Печать</button>', html
    )
    assert f'href="/service/orders/{order.pk}/"' in html
    assert "/static/css/label.css" in html
    # The CSP refuses inline code: no style attribute, no script without a src.
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


@pytest.mark.parametrize(("language", "word"), [("kk", "Қабылданды"), ("en", "Received")])
def test_the_label_speaks_the_technicians_language(technician, tech_client, language, word):
    order = received(technician)
    tech_client.cookies["django_language"] = language
    html = tech_client.get(label_url(order)).content.decode()
    assert word in visible_text(label_of(html))


def test_another_centers_technician_gets_404(technician, other_client):
    order = received(technician)
    assert other_client.get(label_url(order)).status_code == 404


def test_a_missing_order_gets_404(tech_client):
    assert tech_client.get("/service/orders/999999/label/").status_code == 404


def test_an_order_not_yet_received_has_no_label(technician, tech_client):
    order = make_order(status=S.AWAITING_SHIPMENT, technician=technician)
    assert tech_client.get(label_url(order)).status_code == 404


def test_the_label_is_read_only(technician, tech_client):
    order = received(technician)
    assert tech_client.post(label_url(order)).status_code == 405


def test_the_label_needs_a_technician(technician, client):
    order = received(technician)
    response = client.get(label_url(order))
    assert response.status_code == 302
    assert response["Location"].startswith("/service/login/")


def test_the_order_page_and_the_act_page_link_to_the_label(technician, tech_client):
    order = received(technician)
    link = f'href="{label_url(order)}"'
    order_page = tech_client.get(f"/service/orders/{order.pk}/").content.decode()
    act_page = tech_client.get(f"/service/orders/{order.pk}/act/").content.decode()
    assert link in order_page and "Печать наклейки" in order_page
    assert link in act_page and "Печать наклейки" in act_page


def test_an_order_awaiting_its_parcel_offers_no_label(technician, tech_client):
    order = make_order(status=S.AWAITING_SHIPMENT, technician=technician)
    assert label_url(order) not in tech_client.get(f"/service/orders/{order.pk}/").content.decode()


def test_the_label_costs_a_fixed_number_of_queries(
    technician, tech_client, django_assert_max_num_queries
):
    order = received(technician)
    tech_client.get(label_url(order))  # warm-up: the session's idle timeout renewed
    with django_assert_max_num_queries(LABEL_QUERIES), CaptureQueriesContext(connection) as q:
        assert tech_client.get(label_url(order)).status_code == 200
    assert len(q) <= LABEL_QUERIES
