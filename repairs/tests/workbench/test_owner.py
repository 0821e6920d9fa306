"""Who has an order: taken or given on the order page, intake, the history's row in every
language, refusals, and the queue's «Мои» tab."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from claims.models import StatusEvent
from repairs import services
from repairs.history import case_history
from repairs.models import OrderStatus
from repairs.tests.factories import (
    ServiceCenterFactory,
    SupportUserFactory,
    TechnicianFactory,
    make_order,
    run_step,
)
from repairs.tests.workbench.pages import page, reloaded
from tests.pages import visible_text

pytestmark = pytest.mark.django_db
S = OrderStatus
QUEUE = "/service/"


def owner_url(order) -> str:
    return f"/service/orders/{order.pk}/technician/"


def take(client, order, technician, *, shown=None, follow=True):
    shown = order.technician_id if shown is None else shown
    data = {"technician": technician.pk if technician else "", "shown_technician": shown or ""}
    return client.post(owner_url(order), data, follow=follow)


def owner_rows(order):
    return list(StatusEvent.objects.filter(claim_id=order.claim_id, transition="change_technician"))


def messages_of(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


@pytest.fixture
def colleague(technician):
    return TechnicianFactory(
        service_center=technician.service_center,
        user__first_name="Алия",
        user__last_name="Ермекова",
    )


# --- Intake makes the owner -------------------------------------------------------------------


def test_the_technician_who_writes_the_act_has_the_order(technician):
    waiting = make_order(status=S.AWAITING_SHIPMENT, technician=technician)
    assert waiting.technician is None

    order = make_order(status=S.RECEIVED, technician=technician)

    assert reloaded(order).technician == technician
    assert owner_rows(order) == []  # the intake's own row names him


def test_intake_keeps_the_owner_a_colleague_took_before(technician, colleague):
    order = make_order(status=S.IN_TRANSIT, technician=technician)
    services.change_order_technician(order=order, technician=colleague, by=colleague.user)

    run_step("receive", reloaded(order), technician.user)

    assert reloaded(order).technician == colleague


# --- The order page -----------------------------------------------------------------------


def test_the_order_page_says_nobody_has_it_and_offers_to_take_it(technician, tech_client):
    order = make_order(status=S.AWAITING_SHIPMENT, technician=technician)
    text = visible_text(page(tech_client, order))
    assert "Ответственный: Не назначен" in text
    assert "Взять себе" in text


def test_a_technician_takes_the_order_and_the_history_says_so(technician, tech_client):
    order = make_order(status=S.AWAITING_SHIPMENT, technician=technician)

    response = take(tech_client, order, technician)

    assert response.status_code == 200
    assert "Теперь заказ ваш." in messages_of(response)
    assert reloaded(order).technician == technician
    [row] = owner_rows(order)
    assert row.by == technician.user
    assert (row.from_status, row.to_status) == (order.status, order.status)
    text = visible_text(response.content.decode())
    assert "Ответственный: Касымов Д." in text
    assert "Сменён ответственный" in text
    assert "Ответственный: не назначен → Касымов Д." in text
    assert "Взять себе" not in text  # it is his already


def test_a_technician_gives_the_order_to_a_colleague_of_his_center(
    technician, colleague, tech_client
):
    order = make_order(status=S.RECEIVED, technician=technician)  # his since intake

    response = take(tech_client, order, colleague)

    assert messages_of(response) == "Заказ передан: Ермекова А."
    assert reloaded(order).technician == colleague
    [row] = owner_rows(order)
    assert row.note_params == {"old_owner": "Касымов Д.", "new_owner": "Ермекова А."}


@pytest.mark.parametrize(
    ("language", "what", "note"),
    [
        ("ru", "Сменён ответственный", "Ответственный: Касымов Д. → Ермекова А."),
        ("kk", "Жауапты маман ауыстырылды", "Жауапты маман: Касымов Д. → Ермекова А."),
        (
            "en",
            "Responsible technician changed",
            "Responsible technician: Касымов Д. → Ермекова А.",
        ),
    ],
)
def test_the_history_row_reads_in_every_language(technician, colleague, language, what, note):
    order = make_order(status=S.RECEIVED, technician=technician)
    services.change_order_technician(order=order, technician=colleague, by=technician.user)

    with translation.override(language):
        [row] = [row for row in case_history(reloaded(order).claim) if row.what == what]
    assert row.internal_note == note
    assert row.who == "Даурен Касымов"


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("ru", "Ответственный: Касымов Д. → не назначен"),
        ("kk", "Жауапты маман: Касымов Д. → тағайындалмаған"),
        ("en", "Responsible technician: Касымов Д. → not assigned"),
    ],
)
def test_releasing_the_order_reads_not_assigned(technician, language, note):
    order = make_order(status=S.RECEIVED, technician=technician)
    services.change_order_technician(order=order, technician=None, by=technician.user)

    with translation.override(language):
        notes = [row.internal_note for row in case_history(reloaded(order).claim)]
    assert note in notes


def test_the_select_lists_only_the_centers_technicians(
    technician, colleague, other_technician, tech_client
):
    order = make_order(status=S.RECEIVED, technician=technician)
    html = page(tech_client, order)
    select = re.search(r'<select name="technician".*?</select>', html, re.DOTALL).group(0)
    options = re.findall(r'<option value="(\d*)"', select)
    assert sorted(options) == sorted(["", str(technician.pk), str(colleague.pk)])
    assert str(other_technician.pk) not in options


# --- Refusals -----------------------------------------------------------------------------


def test_a_crafted_post_with_another_centers_technician_is_refused(
    technician, other_technician, tech_client
):
    order = make_order(status=S.RECEIVED, technician=technician)

    response = take(tech_client, order, other_technician)

    assert response.status_code == 200
    assert "Выберите техника своего сервисного центра из списка." in messages_of(response)
    assert reloaded(order).technician == technician
    assert owner_rows(order) == []


def test_the_service_refuses_another_centers_technician_too(technician, other_technician):
    order = make_order(status=S.RECEIVED, technician=technician)
    with pytest.raises(ValidationError):
        services.change_order_technician(
            order=order, technician=other_technician, by=technician.user
        )
    assert reloaded(order).technician == technician


def test_another_centers_technician_cannot_post_to_the_order(
    technician, other_technician, other_client
):
    order = make_order(status=S.RECEIVED, technician=technician)
    response = take(other_client, order, other_technician, follow=False)
    assert response.status_code == 404
    assert reloaded(order).technician == technician


def test_a_page_that_showed_another_owner_is_told_and_changes_nothing(
    technician, colleague, tech_client
):
    order = make_order(status=S.AWAITING_SHIPMENT, technician=technician)
    services.change_order_technician(order=order, technician=colleague, by=colleague.user)

    # His page still showed nobody: the colleague's take stands.
    response = take(tech_client, order, technician, shown="")

    assert "коллега сменил ответственного" in messages_of(response)
    assert reloaded(order).technician == colleague
    assert len(owner_rows(order)) == 1


def test_a_closed_order_keeps_its_technician(technician, colleague, tech_client):
    order = make_order(status=S.DELIVERED, technician=technician)

    response = take(tech_client, order, colleague)

    assert "Заказ закрыт" in messages_of(response)
    assert reloaded(order).technician == technician
    assert "Взять себе" not in visible_text(page(tech_client, order))


def test_taking_is_post_only(technician, tech_client):
    order = make_order(status=S.RECEIVED, technician=technician)
    assert tech_client.get(owner_url(order)).status_code == 405


def test_giving_it_to_the_owner_again_writes_no_row(technician):
    order = make_order(status=S.RECEIVED, technician=technician)
    services.change_order_technician(order=order, technician=technician, by=technician.user)
    assert owner_rows(order) == []


def test_support_may_give_an_order_to_a_technician_of_its_center(technician, colleague):
    order = make_order(status=S.RECEIVED, technician=technician)
    services.change_order_technician(order=order, technician=colleague, by=SupportUserFactory())
    assert reloaded(order).technician == colleague


def test_moving_the_order_to_another_center_leaves_it_to_that_center(technician):
    order = make_order(status=S.AWAITING_SHIPMENT, technician=technician)
    services.change_order_technician(order=order, technician=technician, by=technician.user)

    services.reassign_order(
        order=order, service_center=ServiceCenterFactory(), reason="-", by=SupportUserFactory()
    )

    assert reloaded(order).technician is None


# --- The queue's «Мои» tab ------------------------------------------------------------------


def listed_numbers(html: str) -> list[str]:
    return re.findall(r'class="queue-number" href="[^"]+">([^<]+)</a>', html)


def test_the_mine_tab_lists_exactly_my_open_orders(technician, colleague, tech_client):
    mine = [
        make_order(status=S.RECEIVED, technician=technician),  # his since intake
        make_order(status=S.IN_REPAIR, technician=technician),
    ]
    taken = make_order(status=S.AWAITING_SHIPMENT, technician=technician)
    services.change_order_technician(order=taken, technician=technician, by=technician.user)
    mine.append(taken)
    given_away = make_order(status=S.DIAGNOSTICS, technician=technician)
    services.change_order_technician(order=given_away, technician=colleague, by=technician.user)
    make_order(status=S.RECEIVED, technician=colleague)  # the colleague's
    make_order(status=S.DELIVERED, technician=technician)  # his, but closed: history
    make_order(status=S.AWAITING_SHIPMENT, technician=technician)  # nobody's

    html = tech_client.get(QUEUE, {"status": "mine"}).content.decode()

    assert sorted(listed_numbers(html)) == sorted(reloaded(o).display_number for o in mine)
    assert re.search(
        r'aria-current="page"><span class="queue-tab-label">Мои</span> '
        r'<span class="queue-count">3</span>',
        html,
    )
    # Its rows span states: each says which.
    text = visible_text(html)
    assert "В ремонте" in text and "Ждём отправки" in text


def test_the_mine_tab_says_when_there_is_nothing(tech_client):
    html = tech_client.get(QUEUE, {"status": "mine"}).content.decode()
    assert "У вас нет открытых заказов" in visible_text(html)


@pytest.mark.parametrize("orders", [3, 30])
def test_the_mine_tab_runs_the_same_queries_for_3_or_30_orders(
    orders, technician, tech_client, django_assert_max_num_queries
):
    for _ in range(orders):
        make_order(status=S.RECEIVED, technician=technician)
    tech_client.get(QUEUE)
    # 1 session, 2 user, 3–4 permissions, 5 technician + center, 6 the counts of every tab
    # and of «Мои» (one GROUP BY), 7 the page's rows; 8–10 the session's idle timeout.
    with django_assert_max_num_queries(10):
        html = tech_client.get(QUEUE, {"status": "mine"}).content.decode()
    assert len(listed_numbers(html)) == min(orders, 25)


def test_the_order_page_with_the_owner_form_keeps_its_budget(
    technician, colleague, tech_client, django_assert_max_num_queries
):
    # test_order_page's list: the owner is joined to the order (no query of its own), the
    # center's technicians for the select are one query, whatever their number.
    order = make_order(status=S.RECEIVED, technician=technician)
    tech_client.get(f"/service/orders/{order.pk}/")
    with django_assert_max_num_queries(15):
        html = page(tech_client, order)
    assert "Ответственный: Касымов Д." in visible_text(html)
