"""«Мой ремонт» speaks the claim's language, wherever the link is opened, unless the visitor
chose another with the language switch; the workbench's act defaults to it too."""

import pytest
from django.conf import settings
from django.test import Client

from repairs.models import OrderStatus
from repairs.tests.factories import TechnicianFactory, make_order
from repairs.tests.my_repair.helpers import my_path
from tests.pages import visible_text

pytestmark = pytest.mark.django_db
S = OrderStatus
TITLES = {"ru": "Мой ремонт", "kk": "Менің жөндеуім", "en": "My repair"}


def _language_of(response) -> str:
    html = response.content.decode()
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    ("claim_language", "accept_language"), [("kk", "en"), ("en", "ru"), ("ru", "kk,en;q=0.8")]
)
def test_the_link_opens_in_the_claims_language_whatever_the_browser_prefers(
    client, claim_language, accept_language
):
    order = make_order(status=S.AWAITING_SHIPMENT, language=claim_language)

    response = client.get(my_path(order), HTTP_ACCEPT_LANGUAGE=accept_language)

    assert response.status_code == 200
    assert _language_of(response) == claim_language
    assert response["Content-Language"] == claim_language
    assert TITLES[claim_language] in visible_text(response.content.decode())


@pytest.mark.parametrize(("claim_language", "chosen"), [("kk", "en"), ("ru", "kk"), ("en", "ru")])
def test_a_language_chosen_with_the_switch_wins(claim_language, chosen):
    order = make_order(status=S.AWAITING_SHIPMENT, language=claim_language)
    client = Client(HTTP_ACCEPT_LANGUAGE=claim_language)
    switched = client.post("/i18n/setlang/", {"language": chosen, "next": my_path(order)})
    assert switched.status_code == 302

    response = client.get(my_path(order))

    assert _language_of(response) == chosen
    assert TITLES[chosen] in visible_text(response.content.decode())


def test_a_cookie_with_a_language_we_do_not_speak_is_no_choice(client):
    order = make_order(status=S.AWAITING_SHIPMENT, language="kk")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert _language_of(client.get(my_path(order), HTTP_ACCEPT_LANGUAGE="en")) == "kk"


def test_the_answer_to_a_write_comes_in_the_claims_language(client):
    order = make_order(status=S.AWAITING_SHIPMENT, language="kk")
    response = client.post(
        my_path(order, "parcel/"),
        {"carrier": "CDEK", "tracking_number": "1098765432"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert _language_of(response) == "kk"
    assert "Рақмет!" in visible_text(response.content.decode())


def test_a_bad_link_still_answers_in_the_browsers_language(client):
    response = client.get("/my/not-a-token/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and _language_of(response) == "en"


# --- The act's language on the workbench -----------------------------------------------------


@pytest.mark.parametrize("claim_language", ["en", "kk", "ru"])
def test_the_act_is_offered_in_the_customers_language_first(claim_language):
    technician = TechnicianFactory()
    order = make_order(status=S.RECEIVED, technician=technician, language=claim_language)
    staff = Client()
    staff.force_login(technician.user)

    html = staff.get(f"/service/orders/{order.pk}/act/").content.decode()

    assert f'class="act-sheet" lang="{claim_language}"' in html
    assert f'<option value="{claim_language}" lang="{claim_language}" selected>' in html
    assert f'href="/service/orders/{order.pk}/act.pdf?lang={claim_language}"' in html
    # The workbench around it stays in the technician's language.
    assert _language_of(staff.get(f"/service/orders/{order.pk}/")) == "ru"


def test_the_technician_may_still_print_the_act_in_another_language():
    technician = TechnicianFactory()
    order = make_order(status=S.RECEIVED, technician=technician, language="en")
    staff = Client()
    staff.force_login(technician.user)
    html = staff.get(f"/service/orders/{order.pk}/act/", {"lang": "ru"}).content.decode()
    assert 'class="act-sheet" lang="ru"' in html
