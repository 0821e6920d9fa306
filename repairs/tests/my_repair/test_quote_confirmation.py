"""Declining a price cannot be undone online: the customer ticks a box first, and is told
in their language when they did not (the CSP allows no script to ask "are you sure?")."""

import pytest

from repairs.models import OrderStatus, QuoteConsent, RepairOrder
from repairs.tests.factories import make_order
from repairs.tests.my_repair.helpers import my_path
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

DECLINE = {"decision": "decline", "quote_amount": "25000"}


def _status(order) -> str:
    return RepairOrder.objects.values_list("status", flat=True).get(pk=order.pk)


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("ru", "Да, я отказываюсь от платного ремонта. Я понимаю, что это нельзя отменить."),
        (
            "kk",
            "Иә, мен ақылы жөндеуден бас тартамын. Мұны болдырмау мүмкін емес екенін түсінемін.",
        ),
        ("en", "Yes, I decline the price. I understand this cannot be undone."),
    ],
)
def test_the_decline_form_asks_for_a_tick(client, language, label):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL, language=language)
    html = client.get(my_path(order), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    decline_form = html[html.index('value="decline"') :]
    decline_form = decline_form[: decline_form.index("</form>")]
    assert 'type="checkbox" name="confirm_decline"' in decline_form
    assert label in visible_text(decline_form)


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("ru", "Отметьте флажок, чтобы подтвердить отказ от платного ремонта."),
        ("kk", "Ақылы жөндеуден бас тартуды растау үшін құсбелгі қойыңыз."),
        ("en", "Tick the box to confirm that you decline the price."),
    ],
)
def test_declining_without_the_tick_is_asked_again_and_changes_nothing(client, language, error):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL, language=language)

    response = client.post(my_path(order, "quote/"), DECLINE, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert error in visible_text(response.content.decode())
    assert _status(order) == OrderStatus.AWAITING_APPROVAL
    assert not QuoteConsent.objects.filter(repair_order=order).exists()


def test_declining_with_the_tick_sends_the_product_back(client):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL)
    client.post(my_path(order, "quote/"), {**DECLINE, "confirm_decline": "on"})
    assert _status(order) == OrderStatus.READY_FOR_RETURN
    assert QuoteConsent.objects.get(repair_order=order).decision == "declined"


def test_accepting_needs_no_tick(client):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL)
    client.post(my_path(order, "quote/"), {"decision": "accept", "quote_amount": "25000"})
    assert _status(order) == OrderStatus.IN_REPAIR


def test_an_unticked_decline_on_a_page_gone_stale_shows_where_the_repair_stands(client):
    order = make_order(status=OrderStatus.IN_REPAIR)
    response = client.post(my_path(order, "quote/"), DECLINE)
    assert response.status_code == 409
    assert _status(order) == OrderStatus.IN_REPAIR
