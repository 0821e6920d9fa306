"""The «Партнеры» tab: the way to the repair status and the centers' public contacts."""

import pytest

from repairs.tests.factories import ServiceCenterFactory

URL = "/partners/"


@pytest.mark.django_db
def test_it_leads_to_the_repair_status_page(client):
    html = client.get(URL).content.decode()
    assert 'href="/partners/repair-status/"' in html
    assert "Статус ремонта" in html


@pytest.mark.django_db
def test_it_lists_active_centers_with_city_address_phone_and_hours(client):
    ServiceCenterFactory(
        name="DREAME Сервис Астана",
        city="Астана",
        postal_address="010000, г. Астана, ул. Кенесары, 40",
        phone="+77172550011",
        working_hours="Пн–Сб 10:00–19:00",
    )
    ServiceCenterFactory(name="Закрытый центр", is_active=False)
    html = client.get(URL).content.decode()
    assert "DREAME Сервис Астана" in html
    assert "<dd>Астана</dd>" in html
    assert "010000, г. Астана, ул. Кенесары, 40" in html
    assert 'href="tel:+77172550011"' in html
    assert "Пн–Сб 10:00–19:00" in html
    assert "Закрытый центр" not in html


@pytest.mark.django_db
def test_the_list_is_one_query_however_many_centers(client, django_assert_max_num_queries):
    ServiceCenterFactory.create_batch(12)
    # 1. the active centers (no session or user queries: the page is anonymous).
    with django_assert_max_num_queries(1):
        response = client.get(URL)
    assert response.content.decode().count('class="card center-card"') == 12


@pytest.mark.django_db
def test_it_speaks_kazakh(client):
    client.cookies["django_language"] = "kk"
    html = client.get(URL).content.decode()
    assert "Серіктестер" in html
    assert "Жөндеу мәртебесін білу" in html
