"""Support's lists on the service side: the repair-order list, and what repairs adds to the
claim list (the order number in its search, the assigned center)."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from claims.models import Claim, ClaimStatus, Verdict
from claims.tests.factories import ClaimFactory
from conftest import assert_no_horizontal_scroll, office_page_for, save_screenshot
from repairs import order_numbers
from repairs.models import OrderStatus, RepairOrder, Resolution
from repairs.tests.factories import (
    ServiceCenterFactory,
    SupportUserFactory,
    TechnicianFactory,
    make_order,
)

pytestmark = pytest.mark.django_db
ORDERS = "/admin/repairs/repairorder/"
CLAIMS = "/admin/claims/claim/"


@pytest.fixture
def support():
    client = Client()
    client.force_login(SupportUserFactory())
    return client


def open_order(claim=None, center=None, **fields) -> RepairOrder:
    """An order written directly in any state: these tests read lists only."""
    return RepairOrder.objects.create(
        claim=claim or ClaimFactory(),
        service_center=center or ServiceCenterFactory(),
        order_number=fields.pop("order_number", None) or order_numbers.generate(),
        **fields,
    )


def opened(response, changelist: str):
    """The pk of the object a search with one match opened, or None for a list."""
    if response.status_code != 302:
        return None
    match = re.fullmatch(
        rf"{changelist}(\d+)/change/\?_changelist_filters=.*", response["Location"]
    )
    assert match, response["Location"]
    return int(match.group(1))


def orders_shown(client, **params) -> list[str]:
    """The order numbers the list shows, top to bottom, as printed (`7KQ2M-9XW4D`); a
    search with one match opens that order's page: then its number alone."""
    response = client.get(ORDERS, params)
    if (pk := opened(response, ORDERS)) is not None:
        return [RepairOrder.objects.get(pk=pk).display_number]
    assert response.status_code == 200
    links = re.findall(r'<th class="field-number"><a [^>]*>(.*?)</a>', response.content.decode())
    return [re.sub(r"<[^>]+>", "", link) for link in links]


def claims_shown(client, **params) -> list[str]:
    response = client.get(CLAIMS, params)
    if (pk := opened(response, CLAIMS)) is not None:
        return [Claim.objects.get(pk=pk).number]
    assert response.status_code == 200
    return re.findall(r'<th class="field-number"><a [^>]*>([^<]+)</a>', response.content.decode())


def row_of(html: str, text: str) -> str:
    return next(row for row in re.findall(r"<tr[^>]*>.*?</tr>", html, re.S) if text in row)


# --- The order number, however it is written ----------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["42BY0-D8V4F", "42by0-d8v4f", "42BY0D8V4F", "42by0 d8v4f", "42BYO-D8V4F", " 42by0-d8v4f "],
)
def test_the_order_list_finds_the_order_by_its_number_however_it_is_written(support, typed):
    order = open_order(order_number="42BY0D8V4F")
    open_order(order_number="42BY0D8V4G")

    assert orders_shown(support, q=typed) == ["42BY0-D8V4F"]
    assert order.display_number == "42BY0-D8V4F"


@pytest.mark.parametrize("typed", ["42by0-d8v4f", "42BYO D8V4F"])
def test_the_claim_list_finds_the_claim_by_its_order_number(support, typed):
    order = open_order(order_number="42BY0D8V4F")
    open_order(order_number="42BY0D8V4G")

    assert claims_shown(support, q=typed) == [order.claim.number]


@pytest.mark.parametrize(
    ("typed", "claim_fields"),
    [
        ("cl-t0000077", {"number": "CL-T0000077"}),
        ("8 (701) 234-56-78", {"phone": "+77012345678"}),
        ("AIGERIM@EXAMPLE.KZ", {"email": "aigerim@example.kz"}),
        ("r2235a0012345", {"serial_number": "R2235A0012345"}),
        ("Сатпаева", {"full_name": "Айгерим Сатпаева"}),
    ],
)
def test_the_order_list_finds_the_order_by_its_claims_data(support, typed, claim_fields):
    order = open_order(ClaimFactory(**claim_fields))
    open_order(ClaimFactory(phone="+77019998877", full_name="Дмитрий Ковалёв"))

    assert orders_shown(support, q=typed) == [order.display_number]


def test_a_search_that_fits_nothing_shows_no_orders(support):
    open_order()

    assert orders_shown(support, q="nothing-like-this") == []


# --- The order list's columns and filters -----------------------------------------------


def test_the_order_list_shows_labels_the_center_the_claim_and_dates_as_dd_mm_yyyy(support):
    center = ServiceCenterFactory(name="DREAME Сервис Астана", city="Астана")
    order = open_order(
        ClaimFactory(number="CL-T0000099"),
        center,
        status=OrderStatus.IN_REPAIR,
        intake_date=datetime.date(2026, 3, 9),
    )
    RepairOrder.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=12)
    )

    html = support.get(ORDERS).content.decode()
    row = row_of(html, order.display_number)

    assert ">В ремонте<" in row
    assert ">in_repair<" not in row
    assert 'title="DREAME Сервис Астана (Астана)">Астана<' in row
    assert ">CL-T0000099</span>" in row
    assert ">09.03.2026<" in row
    assert ">12 дн.<" in row


def test_an_order_not_yet_received_shows_a_dash_for_its_intake_date(support):
    order = open_order()

    row = row_of(support.get(ORDERS).content.decode(), order.display_number)

    assert '<td class="field-intake">—</td>' in row


def test_the_order_list_escapes_customer_text(support):
    open_order(ClaimFactory(full_name="<script>alert(1)</script>"))
    center = ServiceCenterFactory(city="<b>Астана</b>")
    open_order(center=center)

    html = support.get(ORDERS).content.decode()

    assert "<b>Астана</b>" not in html
    assert "&lt;b&gt;Астана&lt;/b&gt;" in html


def test_the_order_list_offers_no_sort_that_no_index_serves_newest_first_is_its_order(support):
    first, second = open_order(), open_order()

    assert orders_shown(support) == [second.display_number, first.display_number]
    assert 'class="sortable' not in support.get(ORDERS).content.decode()


def test_the_order_list_filters_by_status_center_and_resolution(support):
    astana = ServiceCenterFactory(name="DREAME Сервис Астана")
    repaired = open_order(
        center=astana, status=OrderStatus.SHIPPED, resolution=Resolution.WARRANTY_REPAIR
    )
    waiting = open_order(center=astana)
    elsewhere = open_order(status=OrderStatus.SHIPPED, resolution=Resolution.REPLACEMENT)

    assert orders_shown(support, status__exact="shipped") == [
        elsewhere.display_number,
        repaired.display_number,
    ]
    assert orders_shown(support, service_center__id__exact=astana.pk) == [
        waiting.display_number,
        repaired.display_number,
    ]
    assert orders_shown(support, resolution__exact="replacement") == [elsewhere.display_number]


def test_the_claim_list_shows_each_claims_center_and_filters_by_it(support):
    astana = ServiceCenterFactory(name="DREAME Сервис Астана", city="Астана")
    assigned = open_order(center=astana).claim
    open_order(center=ServiceCenterFactory(city="Шымкент"))
    waiting = ClaimFactory()

    html = support.get(CLAIMS).content.decode()

    assert 'title="DREAME Сервис Астана (Астана)">Астана<' in row_of(html, assigned.number)
    assert '<td class="field-center">—</td>' in row_of(html, waiting.number)
    assert claims_shown(support, service_center=astana.pk) == [assigned.number]


# --- Cost and access -------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 30])
def test_the_order_list_runs_the_same_queries_for_2_or_30_orders(
    support, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        open_order(status=OrderStatus.RECEIVED, intake_date=timezone.localdate())
    # Expected: session, user, the user's own and the groups' permissions (2), the center
    # filter's choices, the count of the page's rows (no second, full count), the page of
    # orders with their claims and centers (JOINs), the action form's centers: 8.
    with django_assert_max_num_queries(8):
        response = support.get(ORDERS)
    assert response.status_code == 200
    assert len(re.findall(r'<th class="field-number">', response.content.decode())) == rows


def test_an_order_search_costs_the_same_queries_as_the_plain_list(
    support, django_assert_max_num_queries
):
    order = open_order(claim=ClaimFactory(phone="+77012345678"))
    other = open_order(claim=ClaimFactory(phone="+77012345678"))  # two: the list, not a page
    # Expected: the same 8; the readings are looked up inside the page's and the count's query.
    with django_assert_max_num_queries(8):
        response = support.get(ORDERS, {"q": "8 701 234 56 78"})
    assert order.display_number in response.content.decode()
    assert other.display_number in response.content.decode()


@pytest.mark.parametrize("url", [ORDERS, CLAIMS])
def test_an_anonymous_visitor_cannot_reach_the_lists(url):
    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", [ORDERS, CLAIMS])
def test_a_technician_cannot_reach_the_lists(url):
    technician = TechnicianFactory()
    make_order(technician=technician)
    client = Client()
    client.force_login(technician.user)

    response = client.get(url)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_every_badge_the_lists_show_has_its_colour():
    stylesheet = Path(finders.find("css/admin-lists.css")).read_text(encoding="utf-8")
    codes = [
        *(f"status-badge--{code}" for code in [*OrderStatus.values, *ClaimStatus.values]),
        *(f"verdict-badge--{code}" for code in Verdict.values),
    ]

    missing = [code for code in codes if not re.search(rf"\.{code}\b", stylesheet)]

    assert missing == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_order_list_fits_a_1280_px_screen_without_sideways_scrolling(browser, live_server):
    center = ServiceCenterFactory(
        name="DREAME Сервисный центр Усть-Каменогорск", city="Усть-Каменогорск"
    )
    states = [OrderStatus.AWAITING_APPROVAL, OrderStatus.IN_TRANSIT, OrderStatus.READY_FOR_RETURN]
    for index in range(30):
        open_order(
            center=center,
            status=states[index % 3],
            resolution=Resolution.UNREPAIRED,
            intake_date=timezone.localdate() - datetime.timedelta(days=index),
        )
    context, page = office_page_for(browser, live_server, user=SupportUserFactory())

    page.goto(f"{live_server.url}{ORDERS}")

    save_screenshot(page, "admin_order_list_1280")
    assert page.locator("#result_list tbody tr").count() == 30
    assert_no_horizontal_scroll(page)
    table = page.evaluate(
        "(() => { const box = document.querySelector('.results');"
        " return box.scrollWidth - box.clientWidth; })()"
    )
    assert table <= 0, f"the table scrolls sideways by {table}px"
    context.close()
