"""The center's queue at /service/ and its search box: what a technician sees, and only theirs."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone, translation

from claims.models import StatusEvent
from repairs import services
from repairs.models import OrderStatus, RepairOrder
from repairs.states import STATES, USUAL_DAYS
from repairs.tests.factories import make_order
from repairs.workbench import selectors

pytestmark = pytest.mark.django_db

S = OrderStatus
QUEUE = "/service/"
SEARCH = "/service/search/"

# Every queue page, whatever its rows:
#   1 session, 2 user, 3–4 the user's and the groups' permissions, 5 technician + center,
#   6 the counts of all tabs (one GROUP BY), 7 the page's rows with their claims (the time
#   each entered its state is a column), 8–10 savepoint, session expiry renewed, release.
QUEUE_QUERIES = 10
# A search: 1–5 as above, 6 the matching orders (every reading in one WHERE, capped),
#   7–9 savepoint, session expiry renewed, release.
SEARCH_QUERIES = 9


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def tab_counts(html: str) -> dict[str, int]:
    found = re.findall(
        r'href="\?status=(\w+)"[^>]*><span class="queue-tab-label">[^<]+</span> '
        r'<span class="queue-count">(\d+)</span>',
        html,
    )
    return {status: int(count) for status, count in found}


def listed_numbers(html: str) -> list[str]:
    return re.findall(r'class="queue-number" href="/service/orders/\d+/">([^<]+)</a>', html)


def row_of(html: str, order) -> str:
    rows = [row for row in html.split('<tr class="queue-row') if order.display_number in row]
    assert len(rows) == 1, f"{order.display_number} is not listed once"
    return rows[0].split("</tr>")[0]


def enter_state_days_ago(order, days: int) -> None:
    """The order entered its current state `days` days ago (its history says so too)."""
    then = timezone.now() - datetime.timedelta(days=days)
    StatusEvent.objects.filter(
        claim_id=order.claim_id, subject=StatusEvent.Subject.ORDER, to_status=order.status
    ).update(created_at=then)
    RepairOrder.objects.filter(pk=order.pk).update(state_entered_at=then)


# --- The queue ---------------------------------------------------------------------


def test_it_lists_only_the_technicians_own_center(technician, other_technician, tech_client):
    mine = make_order(status=S.IN_REPAIR, technician=technician)
    theirs = make_order(status=S.IN_REPAIR, technician=other_technician)

    html = html_of(tech_client.get(QUEUE, {"status": S.IN_REPAIR}))

    assert listed_numbers(html) == [mine.display_number]
    assert theirs.display_number not in html
    assert tab_counts(html)[S.IN_REPAIR] == 1


def test_it_counts_the_orders_on_every_tab(technician, other_technician, tech_client):
    for status in [S.AWAITING_SHIPMENT, S.AWAITING_SHIPMENT, S.IN_TRANSIT, S.DIAGNOSTICS]:
        make_order(status=status, technician=technician)
    make_order(status=S.SHIPPED, technician=technician)
    make_order(status=S.DELIVERED, technician=technician)  # final: history, not work
    make_order(status=S.DIAGNOSTICS, technician=other_technician)

    html = html_of(tech_client.get(QUEUE))

    assert tab_counts(html) == {
        "mine": 2,  # the technician wrote the acts of the two orders past intake
        "awaiting_shipment": 2,
        "in_transit": 1,
        "received": 0,
        "diagnostics": 1,
        "awaiting_approval": 0,
        "in_repair": 0,
        "awaiting_parts": 0,
        "ready_for_return": 0,
        "shipped": 1,
    }
    for label in ["Ждём отправки", "В пути", "Принято", "Диагностика", "Ждёт согласия"]:
        assert f'<span class="queue-tab-label">{label}</span>' in html
    for label in ["В ремонте", "Ждёт запчастей", "Готово к возврату", "Отправлено"]:
        assert f'<span class="queue-tab-label">{label}</span>' in html


def test_it_opens_on_the_first_tab_with_work_and_marks_the_chosen_one(technician, tech_client):
    received = make_order(status=S.RECEIVED, technician=technician)
    in_repair = make_order(status=S.IN_REPAIR, technician=technician)

    opened = html_of(tech_client.get(QUEUE))
    chosen = html_of(tech_client.get(QUEUE, {"status": S.IN_REPAIR}))

    assert listed_numbers(opened) == [received.display_number]
    assert 'href="?status=received" aria-current="page"' in opened
    assert listed_numbers(chosen) == [in_repair.display_number]
    assert 'href="?status=in_repair" aria-current="page"' in chosen
    assert '<h2 class="queue-heading">В ремонте</h2>' in chosen


def test_an_empty_tab_says_so(technician, tech_client):
    make_order(status=S.RECEIVED, technician=technician)
    html = html_of(tech_client.get(QUEUE, {"status": S.AWAITING_PARTS}))
    assert listed_numbers(html) == []
    assert "В этом статусе заказов нет." in html


@pytest.mark.parametrize("status", ["delivered", "nonsense", "<script>", ""])
def test_an_unknown_or_final_state_in_the_url_opens_the_default_tab(
    status, technician, tech_client
):
    order = make_order(status=S.DIAGNOSTICS, technician=technician)
    html = html_of(tech_client.get(QUEUE, {"status": status}))
    assert listed_numbers(html) == [order.display_number]
    assert "<script>" not in html


def test_it_lists_the_newest_activity_first(technician, tech_client):
    older, newer = (make_order(status=S.RECEIVED, technician=technician) for _ in range(2))
    RepairOrder.objects.filter(pk=newer.pk).update(updated_at=timezone.now())
    RepairOrder.objects.filter(pk=older.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=3)
    )
    html = html_of(tech_client.get(QUEUE, {"status": S.RECEIVED}))
    assert listed_numbers(html) == [newer.display_number, older.display_number]


def test_it_pages_by_25(technician, tech_client):
    for _ in range(26):
        make_order(technician=technician)

    first = html_of(tech_client.get(QUEUE, {"status": S.AWAITING_SHIPMENT}))
    second = html_of(tech_client.get(QUEUE, {"status": S.AWAITING_SHIPMENT, "page": 2}))
    beyond = html_of(tech_client.get(QUEUE, {"status": S.AWAITING_SHIPMENT, "page": "x"}))

    assert len(listed_numbers(first)) == 25
    assert "Страница 1 из 2" in first
    assert 'href="?status=awaiting_shipment&amp;page=2" rel="next">Следующая страница' in first
    assert len(listed_numbers(second)) == 1
    assert "Страница 2 из 2" in second
    assert set(listed_numbers(first)).isdisjoint(listed_numbers(second))
    assert listed_numbers(beyond) == listed_numbers(first)
    assert tab_counts(first)[S.AWAITING_SHIPMENT] == 26


def test_a_row_shows_the_product_the_city_and_the_days_in_the_state(technician, tech_client):
    order = make_order(
        status=S.DIAGNOSTICS, technician=technician, product_model="DREAME Z30", city="Караганда"
    )
    enter_state_days_ago(order, 3)

    row = row_of(html_of(tech_client.get(QUEUE, {"status": S.DIAGNOSTICS})), order)

    assert f'href="/service/orders/{order.pk}/">{order.display_number}</a>' in row
    assert "DREAME Z30" in row
    assert "Караганда" in row
    since = (timezone.localdate() - datetime.timedelta(days=3)).strftime("%d.%m.%Y")
    assert f'<span class="queue-days">3</span> <span class="queue-since">с {since}</span>' in row
    assert "Просрочено" not in row


def test_an_order_past_its_usual_period_is_marked_overdue(technician, tech_client):
    usual = USUAL_DAYS[S.DIAGNOSTICS]
    late = make_order(status=S.DIAGNOSTICS, technician=technician)
    on_time = make_order(status=S.DIAGNOSTICS, technician=technician)
    enter_state_days_ago(late, usual + 1)
    enter_state_days_ago(on_time, usual)

    html = html_of(tech_client.get(QUEUE, {"status": S.DIAGNOSTICS}))

    assert f'<span class="queue-days">{usual + 1}</span>' in row_of(html, late)
    assert '<span class="queue-overdue">Просрочено</span>' in row_of(html, late)
    assert f'<span class="queue-days">{usual}</span>' in row_of(html, on_time)
    assert "Просрочено" not in row_of(html, on_time)


def test_a_note_does_not_restart_the_days_in_the_state(technician, tech_client):
    order = make_order(status=S.IN_REPAIR, technician=technician)
    enter_state_days_ago(order, 20)
    services.add_order_note(order=order, by=technician.user, internal_note="Позвонили клиенту")

    row = row_of(html_of(tech_client.get(QUEUE, {"status": S.IN_REPAIR})), order)

    assert '<span class="queue-days">20</span>' in row
    assert "Просрочено" in row


def test_waiting_on_the_customer_is_never_overdue(technician, tech_client):
    order = make_order(technician=technician)
    enter_state_days_ago(order, 90)
    row = row_of(html_of(tech_client.get(QUEUE, {"status": S.AWAITING_SHIPMENT})), order)
    assert '<span class="queue-days">90</span>' in row
    assert "Просрочено" not in row


@pytest.mark.parametrize(
    ("status", "has_link"),
    [(S.AWAITING_SHIPMENT, True), (S.IN_TRANSIT, True), (S.RECEIVED, False)],
)
def test_only_an_expected_parcel_has_a_link_to_write_its_intake_act(
    status, has_link, technician, tech_client
):
    order = make_order(status=status, technician=technician)
    row = row_of(html_of(tech_client.get(QUEUE, {"status": status})), order)
    link = f'href="/service/orders/{order.pk}/receive/">Составить акт приёмки</a>'
    assert (link in row) is has_link


def test_the_search_box_has_the_focus_on_the_queue(tech_client):
    html = html_of(tech_client.get(QUEUE))
    assert 'action="/service/search/"' in html
    assert re.search(r'<input type="search" id="queue-q" name="q" value="" autofocus', html)
    assert "Номер заказа, номер заявки, телефон или серийный номер" in html


@pytest.mark.parametrize("orders", [3, 30])
def test_the_queue_runs_the_same_queries_for_3_or_30_orders(
    orders, technician, tech_client, django_assert_max_num_queries
):
    for index in range(orders):
        make_order(status=[S.AWAITING_SHIPMENT, S.IN_TRANSIT][index % 2], technician=technician)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        html = html_of(tech_client.get(QUEUE, {"status": S.IN_TRANSIT}))
    assert len(listed_numbers(html)) == min(orders // 2, 25)


# --- The search ----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["8 701 234 56 78", "+77012345678", "701-234-5678"])
def test_it_finds_the_customers_orders_by_phone_in_any_spelling(
    typed, technician, other_technician, tech_client
):
    mine = [make_order(status=S.IN_REPAIR, technician=technician) for _ in range(2)]
    make_order(technician=technician, phone="+77079998877")
    theirs = make_order(technician=other_technician)  # the same customer's phone elsewhere

    html = html_of(tech_client.get(SEARCH, {"q": typed}))

    assert sorted(listed_numbers(html)) == sorted(order.display_number for order in mine)
    assert theirs.display_number not in html
    assert '<td data-label="Статус">В ремонте</td>' in html


@pytest.mark.parametrize("scanned", ["display_lower_case", "with_the_scanners_enter"])
def test_a_scanned_order_number_opens_the_order(scanned, technician, tech_client):
    order = make_order(status=S.DIAGNOSTICS, technician=technician)
    make_order(status=S.DIAGNOSTICS, technician=technician)  # same phone: not a hit by number
    typed = {
        "display_lower_case": order.display_number.lower(),
        "with_the_scanners_enter": f"{order.order_number}\r\n",
    }[scanned]

    response = tech_client.get(SEARCH, {"q": typed})

    assert response.status_code == 302
    assert response["Location"] == f"/service/orders/{order.pk}/"


def test_another_centers_order_number_finds_nothing(technician, other_technician, tech_client):
    theirs = make_order(status=S.IN_REPAIR, technician=other_technician)

    html = html_of(tech_client.get(SEARCH, {"q": theirs.display_number}))

    assert listed_numbers(html) == []
    assert theirs.display_number in html  # only as typed, in the box and the message
    assert f"/service/orders/{theirs.pk}/" not in html
    assert f"По запросу «{theirs.display_number}» ничего не найдено." in html


def test_a_claim_number_with_one_order_opens_the_order(technician, tech_client):
    order = make_order(status=S.RECEIVED, technician=technician)
    make_order(status=S.RECEIVED, technician=technician)

    response = tech_client.get(SEARCH, {"q": order.claim.number.lower().replace("-", "")})

    assert response.status_code == 302
    assert response["Location"] == f"/service/orders/{order.pk}/"


@pytest.mark.parametrize("where", ["claim", "intake_act"])
def test_a_serial_number_in_any_case_opens_its_order(where, technician, tech_client):
    order = make_order(status=S.RECEIVED, technician=technician, serial_number="R2216-ABC")
    serial = "R2216-ABC" if where == "claim" else order.intake_act.serial_number
    make_order(technician=technician, serial_number="R2216-XYZ")

    response = tech_client.get(SEARCH, {"q": serial.lower()})

    assert response.status_code == 302  # the one match opens, as the hint promises
    assert response["Location"] == f"/service/orders/{order.pk}/"


def test_a_vague_search_lists_the_latest_and_asks_to_narrow_it(
    monkeypatch, technician, tech_client
):
    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 2)
    orders = [make_order(technician=technician) for _ in range(3)]  # one phone, three orders
    RepairOrder.objects.filter(pk=orders[0].pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=1)
    )

    html = html_of(tech_client.get(SEARCH, {"q": "+77012345678"}))

    assert sorted(listed_numbers(html)) == sorted(o.display_number for o in orders[1:])
    assert "Подходит больше 2 заказов, показаны последние 2. Уточните запрос." in html


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("7" * 500, id="500_characters"),
        pytest.param("<script>alert(1)</script>", id="script"),
        pytest.param("🔧😀", id="emoji"),
        pytest.param("\x00\x1b[2J", id="control_characters"),
        pytest.param("' OR 1=1 --", id="sql"),
        pytest.param("%_%", id="like_wildcards"),
    ],
)
def test_ugly_input_gets_a_clear_message_never_an_error(typed, technician, tech_client):
    make_order(technician=technician)

    html = html_of(tech_client.get(SEARCH, {"q": typed}))

    assert listed_numbers(html) == []
    assert "<script>alert" not in html
    assert any(
        message in html
        for message in [
            "Введите номер заказа, номер заявки, телефон или серийный номер.",
            "Слишком длинный запрос: не больше 100 символов.",
            "ничего не найдено.",
        ]
    )


def test_the_typed_query_comes_back_escaped(tech_client):
    html = html_of(tech_client.get(SEARCH, {"q": '"><b>x</b>'}))
    assert 'value="&quot;&gt;&lt;b&gt;x&lt;/b&gt;"' in html
    assert "<b>x</b>" not in html


def test_the_search_needs_a_technician(client):
    response = client.get(SEARCH, {"q": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/service/login/")


@pytest.mark.parametrize("orders", [3, 30])
def test_the_search_runs_the_same_queries_for_3_or_30_hits(
    orders, technician, tech_client, django_assert_max_num_queries
):
    for _ in range(orders):
        make_order(technician=technician)  # every test claim has the same phone
    with django_assert_max_num_queries(SEARCH_QUERIES):
        html = html_of(tech_client.get(SEARCH, {"q": "8 701 234 56 78"}))
    assert len(listed_numbers(html)) == orders


# --- Bench data ---------------------------------------------------------------------


def test_generated_bench_orders_fill_the_queue_within_its_budget(
    technician, tech_client, django_assert_max_num_queries
):
    out = io.StringIO()
    call_command(
        "generate_orders", center_id=technician.service_center_id, count=300, seed=7, stdout=out
    )
    orders = RepairOrder.objects.filter(service_center=technician.service_center)
    in_db = dict(orders.values_list("status").annotate(n=Count("pk")).order_by())

    with django_assert_max_num_queries(QUEUE_QUERIES):
        html = html_of(tech_client.get(QUEUE, {"status": S.IN_REPAIR}))

    assert out.getvalue().startswith(f"300 orders at {technician.service_center}")
    assert orders.count() == 300
    assert tab_counts(html) == {status: in_db.get(status, 0) for status in tab_counts(html)}
    assert len(listed_numbers(html)) == min(in_db[S.IN_REPAIR], 25)
    # Each order's history leads to its state; the days in it come from that history.
    order = orders.filter(status=S.IN_REPAIR).order_by("-updated_at").first()
    entered = order.status_events.filter(to_status=S.IN_REPAIR).latest("created_at")
    days = (timezone.localdate() - timezone.localdate(entered.created_at)).days
    assert f'<span class="queue-days">{days}</span>' in row_of(html, order)


# --- One table of periods ------------------------------------------------------------


def _calendar_days(text: str) -> int:
    """The upper bound of the period a NEXT text promises, in calendar days; a week of
    working days spans a weekend, so N of them take N + 2 per started week."""
    number, unit = re.findall(r"(\d+) (working days|weeks|days)", text)[-1]
    number = int(number)
    if unit == "working days":
        return number + 2 * -(-number // 5)
    return number * 7 if unit == "weeks" else number


@pytest.mark.parametrize("status", list(USUAL_DAYS))
def test_the_usual_period_is_what_the_status_page_promises(status):
    with translation.override("en"):
        assert USUAL_DAYS[status] == _calendar_days(str(STATES[status].next))
