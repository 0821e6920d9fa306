"""The JSON lookup the call center's phone system uses: same rules as the page."""

import json

import pytest

from repairs.models import OrderStatus
from repairs.tests.status_lookup import PII, filled_order, stub_query

API = "/api/v1/repair-status/"
PAGE = "/partners/repair-status/"

pytestmark = pytest.mark.usefixtures("fresh_status_rate_limit")


@pytest.mark.django_db
def test_the_api_answers_a_hit_with_the_public_facts(client):
    order = filled_order(to=OrderStatus.SHIPPED)
    response = client.get(API, stub_query(order), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["order_number"] == order.display_number
    assert data["intake_date"] == order.intake_date.isoformat()
    assert data["product_model"] == "DREAME L20 Ultra"
    assert data["status"] == "shipped"
    assert data["status_text"] == "Your product is on its way back to you."
    assert data["next_step"].startswith("Delivery within Kazakhstan usually takes")
    assert data["return_shipment"] == {"carrier": "CDEK", "tracking_number": "1098765432"}
    assert data["quote"] is None
    assert data["warranty_end_date"] is not None
    assert data["service_center"] == {
        "name": "DREAME Сервис Алматы",
        "city": "Алматы",
        "phone": "+7 727 244 00 55",
    }
    assert [entry["status"] for entry in data["timeline"]] == [
        "awaiting_shipment",
        "in_transit",
        "received",
        "diagnostics",
        "in_repair",
        "ready_for_return",
        "shipped",
    ]
    assert data["timeline"][3]["note"] == "Проверяем аккумулятор."
    assert set(data["timeline"][0]) == {"status", "label", "date", "note"}


@pytest.mark.django_db
def test_the_api_speaks_the_callers_language(client):
    order = filled_order(to=OrderStatus.IN_REPAIR)
    data = client.get(API, stub_query(order), HTTP_ACCEPT_LANGUAGE="kk").json()
    assert data["status_text"] == "Өніміңіз жөнделіп жатыр."


@pytest.mark.django_db
def test_the_quote_comes_with_the_amount_in_tenge(client):
    order = filled_order(to=OrderStatus.AWAITING_APPROVAL)
    data = client.get(API, stub_query(order), HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["quote"]["amount"] == 45000
    assert data["quote"]["currency"] == "KZT"
    assert data["quote"]["display"] == "45 000 ₸"
    assert "«My repair»" in data["quote"]["how_to_approve"]
    assert "call the service center" in data["quote"]["how_to_approve"]


@pytest.mark.django_db
def test_the_status_page_url_answers_json_when_asked(client):
    order = filled_order()
    as_json = client.get(PAGE, stub_query(order), HTTP_ACCEPT="application/json")
    as_html = client.get(PAGE, stub_query(order), HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert as_json["Content-Type"] == "application/json"
    assert as_json.json() == client.get(API, stub_query(order)).json()
    assert as_html["Content-Type"].startswith("text/html")
    assert "Accept" in as_json["Vary"] and "Accept" in as_html["Vary"]


@pytest.mark.django_db
def test_the_json_holds_no_personal_data(client):
    order = filled_order(to=OrderStatus.DELIVERED)
    response = client.get(API, stub_query(order))
    raw = response.content.decode()
    assert response.status_code == 200
    for secret in [*PII, "timur.tech", "Тимур", "Техников"]:
        assert secret not in raw, secret
        assert secret not in json.dumps(response.json(), ensure_ascii=True), secret


@pytest.mark.django_db
def test_every_json_miss_is_byte_for_byte_the_same(client):
    order = filled_order()
    misses = [
        {"order_number": "ZZZZZZZZZZ", "intake_date": order.intake_date.isoformat()},
        {"order_number": order.order_number, "intake_date": "2001-01-01"},
        {"order_number": "!!", "intake_date": order.intake_date.isoformat()},
        {"order_number": order.order_number, "intake_date": "yesterday"},
        {"order_number": order.order_number},
    ]
    responses = [client.get(API, query) for query in misses]
    assert {response.status_code for response in responses} == {404}
    assert len({response.content for response in responses}) == 1
    assert responses[0].json()["error"] == "not_found"


@pytest.mark.django_db
def test_no_parameters_is_a_400(client):
    response = client.get(API)
    assert response.status_code == 400
    assert response.json()["error"] == "missing_parameters"


@pytest.mark.django_db
def test_the_call_centers_network_gets_its_own_higher_limit(client, settings):
    settings.REPAIR_STATUS_RATE_LIMIT = 1
    settings.CALL_CENTER_NETWORKS = ["127.0.0.0/29"]  # the test client's address
    settings.CALL_CENTER_RATE_LIMIT = 3
    order = filled_order()

    answers = [client.get(API, stub_query(order)).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]


@pytest.mark.django_db
def test_an_address_outside_the_call_centers_network_keeps_the_normal_limit(client, settings):
    settings.REPAIR_STATUS_RATE_LIMIT = 1
    settings.CALL_CENTER_NETWORKS = ["198.51.100.0/28"]
    order = filled_order()

    answers = [client.get(API, stub_query(order)).status_code for _ in range(2)]

    assert answers == [200, 429]


@pytest.mark.django_db
def test_the_api_shares_the_pages_rate_limit(client, settings):
    settings.REPAIR_STATUS_RATE_LIMIT = 2
    order = filled_order()
    assert client.get(PAGE, stub_query(order)).status_code == 200
    assert client.get(API, stub_query(order)).status_code == 200
    response = client.get(API, stub_query(order))
    assert response.status_code == 429
    data = response.json()
    assert data["error"] == "rate_limited"
    assert 1 <= data["retry_after"] <= 600
    assert response["Retry-After"] == str(data["retry_after"])
    assert "product_model" not in data


@pytest.mark.django_db
def test_an_api_lookup_takes_one_query(client, django_assert_max_num_queries):
    order = filled_order(to=OrderStatus.DELIVERED)
    # 1. order + claim + center + outbound shipment + warranty months + events, one JOIN.
    with django_assert_max_num_queries(1):
        assert client.get(API, stub_query(order)).status_code == 200
