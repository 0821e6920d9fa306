"""The steps posted on the order page: moves, refusals, bad input and the return."""

import datetime
import threading
import zoneinfo
from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from claims import warranty
from claims.models import WarrantyPolicy
from repairs.models import OrderStatus, Shipment
from repairs.steps import ORDER_STEPS
from repairs.tests.factories import TechnicianFactory, fit_verdict, make_order
from repairs.tests.workbench.pages import (
    event_count,
    line,
    page,
    post_step,
    reloaded,
    steps_shown,
    url,
)

pytestmark = pytest.mark.django_db
S = OrderStatus
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


@pytest.fixture(autouse=True)
def kz_policy(db):
    # transactional tests flush what the data migration seeded: put the policy back.
    WarrantyPolicy.objects.get_or_create(country="KZ")


# --- Steps through the page -------------------------------------------------------------------

STEPS = [
    # (state before, transition, fields typed, state after)
    (
        S.AWAITING_SHIPMENT,
        "register_shipment",
        {"carrier": "Kazpost", "tracking_number": "RR000000014KZ"},
        S.IN_TRANSIT,
    ),
    (S.RECEIVED, "start_diagnostics", {}, S.DIAGNOSTICS),
    (S.DIAGNOSTICS, "start_repair", {}, S.IN_REPAIR),
    (
        S.IN_REPAIR,
        "wait_for_parts",
        {"part": "Датчик лидара", "expected_date": "2099-12-05"},
        S.AWAITING_PARTS,
    ),
    (S.AWAITING_PARTS, "parts_arrived", {}, S.IN_REPAIR),
    (
        S.IN_REPAIR,
        "complete",
        {"work_done": "Заменена плата", "lines": [line("Плата", "0")]},
        S.READY_FOR_RETURN,
    ),
    (
        S.DIAGNOSTICS,
        "send_quote",
        {"lines": [line("Замена платы", "38 500")], "description": "Замена платы"},
        S.AWAITING_APPROVAL,
    ),
    (S.AWAITING_APPROVAL, "accept_quote", {}, S.IN_REPAIR),
    (S.AWAITING_APPROVAL, "decline_quote", {"confirm_decline": "on"}, S.READY_FOR_RETURN),
    (S.DIAGNOSTICS, "resolve_replacement", {"new_serial": "L20U-NEW-0001"}, S.READY_FOR_RETURN),
    (S.DIAGNOSTICS, "resolve_refund", {"confirm_refund": "on"}, S.REFUNDED),
    (
        S.READY_FOR_RETURN,
        "ship_back",
        {"carrier": "CDEK", "tracking_number": "1234567890"},
        S.SHIPPED,
    ),
    (S.SHIPPED, "confirm_delivery", {}, S.DELIVERED),
    (S.DIAGNOSTICS, "cancel", {"reason": "Клиент передумал"}, S.CANCELLED),
]


@pytest.mark.parametrize(("before", "name", "fields", "after"), STEPS)
def test_each_step_moves_the_order_and_writes_its_history_row_with_both_notes(
    before, name, fields, after, technician, tech_client
):
    order = fit_verdict(make_order(status=before, technician=technician), [name])
    notes = {"internal_note": "Только для нас"}
    if "note" in ORDER_STEPS[name].fields:
        notes["note"] = "Видно клиенту"

    response = post_step(tech_client, order, name, **fields, **notes)

    assert response.status_code == 302
    assert response["Location"] == url(order)
    assert reloaded(order).status == after
    event = order.status_events.latest("created_at", "pk")
    assert (event.transition, event.from_status, event.to_status) == (name, before, after)
    assert event.by == technician.user
    assert event.internal_note.startswith("Только для нас")  # a step may add its record
    assert event.public_note == notes.get("note", fields.get("reason", ""))


def test_a_step_stores_what_its_fields_say(technician, tech_client):
    order = fit_verdict(make_order(status=S.DIAGNOSTICS, technician=technician), ["send_quote"])
    post_step(
        tech_client,
        order,
        "send_quote",
        lines=[line("Плата", "33 500"), line("Работа", "5 000", kind="labour")],
        description="Замена платы",
    )
    order = reloaded(order)
    assert (order.quote_amount, order.quote_description) == (38500, "Замена платы")

    post_step(tech_client, order, "accept_quote")
    post_step(
        tech_client, reloaded(order), "wait_for_parts", part="Датчик", expected_date="05.12.2099"
    )
    order = reloaded(order)
    assert (order.awaiting_part, order.parts_expected_date) == (
        "Датчик",
        datetime.date(2099, 12, 5),
    )


def test_a_successful_step_says_so_after_the_redirect(technician, tech_client):
    order = make_order(status=S.RECEIVED, technician=technician)
    response = post_step(tech_client, order, "start_diagnostics", follow=True)
    html = response.content.decode()
    assert "Диагностика начата. Статус заказа теперь «Диагностика»." in html
    assert steps_shown(html)[0] == "start_repair"


def test_a_step_that_emails_the_customer_says_so(technician, tech_client):
    order = make_order(status=S.IN_REPAIR, technician=technician)
    html = post_step(
        tech_client,
        order,
        "complete",
        work_done="Почищен датчик",
        lines=[line("Чистка датчика", "3 000", kind="labour")],
        follow=True,
    )
    assert "Клиент получит об этом письмо." in html.content.decode()


# --- Refused: stale, unknown, illegal, repeated ------------------------------------------------


def assert_refused(response, order, *, status, events, message):
    assert response.status_code == 200  # followed the redirect back to the page
    assert message in response.content.decode()
    assert reloaded(order).status == status
    assert event_count(order) == events


def test_a_post_from_a_page_showing_an_older_state_is_refused(technician, tech_client):
    order = make_order(status=S.DIAGNOSTICS, technician=technician)
    events = event_count(order)
    # The page was loaded in `received`; someone started diagnostics since. Cancel is legal
    # from diagnostics too, but it was chosen for another state: refused.
    response = post_step(
        tech_client, order, "cancel", from_status=S.RECEIVED, reason="Ошибка", follow=True
    )
    assert_refused(
        response,
        order,
        status=S.DIAGNOSTICS,
        events=events,
        message="Заказ тем временем изменился: теперь он в статусе «Диагностика».",
    )


def test_a_double_click_moves_the_order_once(technician, tech_client):
    order = make_order(status=S.RECEIVED, technician=technician)
    events = event_count(order)
    post_step(tech_client, order, "start_diagnostics", note="Начали")
    response = post_step(
        tech_client, order, "start_diagnostics", from_status=S.RECEIVED, note="Начали", follow=True
    )
    assert_refused(
        response,
        order,
        status=S.DIAGNOSTICS,
        events=events + 1,
        message="Заказ тем временем изменился",
    )
    assert order.status_events.filter(transition="start_diagnostics").count() == 1


@pytest.mark.parametrize("name", ["delete", "__class__", "save", "receive", "", "START_REPAIR"])
def test_an_unknown_step_name_is_refused(name, technician, tech_client):
    order = make_order(status=S.DIAGNOSTICS, technician=technician)
    events = event_count(order)
    response = post_step(tech_client, order, name, follow=True)
    assert_refused(
        response,
        order,
        status=S.DIAGNOSTICS,
        events=events,
        message="Такого шага нет. Выберите одну из кнопок ниже.",
    )


def test_a_step_illegal_from_the_current_state_is_refused(technician, tech_client):
    order = make_order(status=S.RECEIVED, technician=technician)
    events = event_count(order)
    response = post_step(
        tech_client, order, "ship_back", carrier="CDEK", tracking_number="123", follow=True
    )
    assert_refused(
        response,
        order,
        status=S.RECEIVED,
        events=events,
        message="«Отправить клиенту» невозможно, пока заказ в статусе «Принято сервисным центром».",
    )
    assert not Shipment.objects.filter(repair_order=order).exists()


def test_a_step_that_refuses_the_user_gives_a_message_not_a_403(
    monkeypatch, technician, tech_client
):
    def refuse(*args, **kwargs):
        raise PermissionDenied

    row = ORDER_STEPS["start_diagnostics"]
    monkeypatch.setitem(ORDER_STEPS, "start_diagnostics", replace(row, work=refuse))
    order = make_order(status=S.RECEIVED, technician=technician)

    response = post_step(tech_client, order, "start_diagnostics", follow=True)

    assert_refused(
        response,
        order,
        status=S.RECEIVED,
        events=event_count(order),
        message="Вы не можете выполнить этот шаг для этого заказа.",
    )


def test_a_steps_own_validation_error_shows_on_the_form(monkeypatch, technician, tech_client):
    def invalid(*args, **kwargs):
        raise ValidationError("Сервис не принял значение.")

    row = ORDER_STEPS["start_diagnostics"]
    monkeypatch.setitem(ORDER_STEPS, "start_diagnostics", replace(row, work=invalid))
    order = make_order(status=S.RECEIVED, technician=technician)

    response = post_step(tech_client, order, "start_diagnostics")

    assert response.status_code == 400
    assert "Сервис не принял значение." in response.content.decode()
    assert reloaded(order).status == S.RECEIVED


# --- Bad input: the form again, with a message; nothing stored; never a 500 -------------------

PRICE = "Укажите стоимость от 1 до 5 000 000 ₸."
TOTAL = "Сумма должна быть от 1 до 5 000 000 ₸."
NOT_NEGATIVE = "Укажите цену за единицу в целых тенге, 0 или больше."
REQUIRED = "Обязательное поле."
TRACKING = "Используйте только латинские буквы, цифры, пробелы и дефисы"
BAD_INPUT = [
    (S.DIAGNOSTICS, "send_quote", {"lines": [line("x", "-5")]}, NOT_NEGATIVE),
    (S.DIAGNOSTICS, "send_quote", {"lines": [line("x", "0")]}, TOTAL),
    (S.DIAGNOSTICS, "send_quote", {"lines": [line("x", "1000000000")]}, PRICE),
    (
        S.DIAGNOSTICS,
        "send_quote",
        {"lines": [line("x", "4 000 000"), line("y", "1 500 000")]},
        TOTAL,
    ),
    (S.DIAGNOSTICS, "send_quote", {"lines": []}, "Добавьте хотя бы одну строку."),
    (S.DIAGNOSTICS, "send_quote", {"lines": [line("", "500")]}, "Опишите, что это за строка."),
    (
        S.DIAGNOSTICS,
        "send_quote",
        {"lines": [line("x", "сорок")]},
        "Укажите стоимость в целых тенге, только цифрами.",
    ),
    (
        S.DIAGNOSTICS,
        "send_quote",
        {"lines": [line("x", "500", quantity="0")]},
        "Укажите количество от 0,01 до 1000.",
    ),
    (S.IN_REPAIR, "complete", {"work_done": "x", "lines": []}, "Добавьте хотя бы одну строку."),
    (
        S.READY_FOR_RETURN,
        "ship_back",
        {"carrier": "CDEK", "tracking_number": "1" * 500},
        "не более 64",
    ),
    (
        S.READY_FOR_RETURN,
        "ship_back",
        {"carrier": "CDEK", "tracking_number": "<script>1</script>"},
        TRACKING,
    ),
    (S.READY_FOR_RETURN, "ship_back", {"carrier": "", "tracking_number": "123"}, REQUIRED),
    (S.DIAGNOSTICS, "cancel", {"reason": "   "}, REQUIRED),
    (S.DIAGNOSTICS, "resolve_replacement", {"new_serial": ""}, REQUIRED),
    (
        S.IN_REPAIR,
        "wait_for_parts",
        {"part": "Плата", "expected_date": "2001-01-01"},
        "Ожидаемая дата не может быть в прошлом.",
    ),
    (
        S.RECEIVED,
        "start_diagnostics",
        {"note": "a\x00b"},
        "Уберите из текста невидимые или управляющие символы.",
    ),
]


@pytest.mark.parametrize(("status", "name", "fields", "message"), BAD_INPUT)
def test_bad_input_shows_the_form_again_with_a_message_and_changes_nothing(
    status, name, fields, message, technician, tech_client
):
    order = fit_verdict(make_order(status=status, technician=technician), [name])
    events = event_count(order)

    response = post_step(tech_client, order, name, **fields)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Проверьте поля формы" in html
    assert 'class="step-form' in html and "step-invalid" in html
    assert reloaded(order).status == status
    assert event_count(order) == events


def test_a_rejected_tracking_number_is_shown_back_escaped(technician, tech_client):
    order = make_order(status=S.READY_FOR_RETURN, technician=technician)
    html = post_step(
        tech_client, order, "ship_back", carrier="CDEK", tracking_number="<script>x</script>"
    ).content.decode()
    assert 'value="&lt;script&gt;x&lt;/script&gt;"' in html
    assert "<script>x</script>" not in html


def test_script_in_a_note_is_stored_as_text_and_shown_escaped(technician, tech_client):
    order = make_order(status=S.RECEIVED, technician=technician)
    post_step(
        tech_client,
        order,
        "start_diagnostics",
        note="<script>alert('клиент')</script>",
        internal_note="<img src=x onerror=alert(1)>",
    )
    event = order.status_events.get(transition="start_diagnostics")
    assert event.public_note == "<script>alert('клиент')</script>"
    html = page(tech_client, order)
    assert "&lt;script&gt;alert(&#x27;клиент&#x27;)&lt;/script&gt;" in html
    assert "<script>alert(" not in html
    assert "<img src=x" not in html


# --- The return ------------------------------------------------------------------------------


def test_the_ship_back_form_shows_the_warranty_end_the_customer_will_get(technician, tech_client):
    order = make_order(
        status=S.READY_FOR_RETURN,
        technician=technician,
        purchase_date=timezone.localdate() - datetime.timedelta(days=100),
        submitted_at=timezone.now() - datetime.timedelta(days=20),
    )
    expected = warranty.warranty_end_after_return(
        purchase_date=order.claim.purchase_date,
        policy=WarrantyPolicy.objects.get(country="KZ"),
        claim_date=order.claim.submitted_date,
        returned_date=timezone.localdate(),
    )
    html = page(tech_client, order)
    assert expected.strftime("%d.%m.%Y") in html
    assert "После возврата гарантия клиента действует до" in html


def test_the_ship_back_form_says_when_there_is_nothing_to_extend(technician, tech_client):
    order = make_order(
        status=S.READY_FOR_RETURN,
        technician=technician,
        purchase_date=timezone.localdate() - datetime.timedelta(days=800),
    )
    assert "Гарантия закончилась ещё до заявки" in page(tech_client, order)


def test_after_shipping_the_page_links_the_return_slip(technician, tech_client):
    order = make_order(status=S.READY_FOR_RETURN, technician=technician)
    assert "/return-slip/" not in page(tech_client, order)
    assert tech_client.get(f"/service/orders/{order.pk}/return-slip/").status_code == 404

    post_step(tech_client, order, "ship_back", carrier="CDEK", tracking_number="CD 1234-567")

    html = page(tech_client, order)
    assert f'href="/service/orders/{order.pk}/return-slip/"' in html
    assert "CD1234567" in html  # as CDEK prints it: no spaces, no dashes


def test_the_return_slip_of_a_repair_states_the_work_and_the_new_warranty_end(
    technician, tech_client
):
    order = make_order(
        status=S.IN_REPAIR,
        technician=technician,
        purchase_date=timezone.localdate() - datetime.timedelta(days=100),
    )
    post_step(
        tech_client,
        order,
        "complete",
        work_done="Заменена плата зарядки",
        lines=[line("Плата зарядки", "8 000")],
    )
    post_step(
        tech_client, reloaded(order), "ship_back", carrier="CDEK", tracking_number="1234567890"
    )
    shipped_on = timezone.localdate(order.shipments.get(direction="outbound").created_at)
    expected = warranty.warranty_end_after_return(
        purchase_date=order.claim.purchase_date,
        policy=WarrantyPolicy.objects.get(country="KZ"),
        claim_date=order.claim.submitted_date,
        returned_date=shipped_on,
    )

    html = tech_client.get(f"/service/orders/{order.pk}/return-slip/").content.decode()

    assert order.display_number in html
    assert "DREAME L20 Ultra" in html
    assert "Гарантийный ремонт" in html
    assert "Заменена плата зарядки" in html
    assert expected.strftime("%d.%m.%Y") in html
    assert "CDEK" in html and "1234567890" in html
    assert technician.service_center.name in html
    assert "css/workbench-order.css" in html  # its print rules make it one A4 page


def test_the_return_slip_of_a_replacement_gives_the_new_serial(technician, tech_client):
    order = fit_verdict(
        make_order(status=S.DIAGNOSTICS, technician=technician), ["resolve_replacement"]
    )
    post_step(tech_client, order, "resolve_replacement", new_serial="L20U-NEW-0001")
    post_step(tech_client, reloaded(order), "ship_back", carrier="CDEK", tracking_number="99")
    html = tech_client.get(f"/service/orders/{order.pk}/return-slip/").content.decode()
    assert "Замена" in html
    assert "L20U-NEW-0001" in html


def test_the_return_slip_of_a_declined_quote_says_returned_unrepaired(technician, tech_client):
    order = make_order(status=S.AWAITING_APPROVAL, technician=technician)
    post_step(tech_client, order, "decline_quote", confirm_decline="on")
    post_step(
        tech_client,
        reloaded(order),
        "ship_back",
        carrier="Kazpost",
        tracking_number="RR000000014KZ",
    )
    html = tech_client.get(f"/service/orders/{order.pk}/return-slip/").content.decode()
    assert "Возвращено без ремонта" in html


@pytest.mark.postgres
# serialized_rollback, like every transactional test here (conftest.py says why).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_technicians_pressing_cancel_and_diagnostics_at_once_make_one_move(postgres_db):
    # Real threads with their own connections: the view's row lock makes the second wait,
    # then see a state its page did not show, and refuse (cancel would be legal from both).
    technician = TechnicianFactory()
    colleague = TechnicianFactory(service_center=technician.service_center)
    order = make_order(status=S.RECEIVED, technician=technician)
    clients = []
    for person in (technician, colleague):
        client = Client()
        client.force_login(person.user)
        clients.append(client)
    barrier = threading.Barrier(2)
    codes = []

    def press(client, name, fields):
        barrier.wait()
        try:
            codes.append(
                post_step(client, order, name, from_status=S.RECEIVED, **fields).status_code
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=press, args=(clients[0], "start_diagnostics", {})),
        threading.Thread(target=press, args=(clients[1], "cancel", {"reason": "Дубль"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert codes == [302, 302]
    moves = order.status_events.filter(transition__in=["start_diagnostics", "cancel"])
    assert moves.count() == 1
    assert reloaded(order).status == moves.get().to_status
    pages = [client.get(url(order)).content.decode() for client in clients]
    assert sum("Заказ тем временем изменился" in html for html in pages) == 1
