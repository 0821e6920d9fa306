"""The admin index is support's dashboard for the day: each figure as the agent reads it,
each linking to the list it counts, in a fixed number of queries whatever the data."""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from claims.admin import ReplyClockFilter
from claims.models import StatusEvent
from claims.tests.factories import ClaimFactory, claim_step
from conftest import assert_no_horizontal_scroll, axe_violations, office_page_for, save_screenshot
from repairs.models import OrderStatus, RepairOrder, Shipment
from repairs.tests.factories import (
    PASSWORD,
    ServiceCenterFactory,
    SupportUserFactory,
    TechnicianFactory,
    make_order,
)
from tests.pages import visible_text

pytestmark = pytest.mark.django_db
INDEX = "/admin/"
CLAIMS = "/admin/claims/claim/"
ORDERS = "/admin/repairs/repairorder/"
CLOCK = ReplyClockFilter.parameter_name  # the claim list's reply-clock filter


@pytest.fixture
def support():
    client = Client()
    client.force_login(SupportUserFactory())
    return client


def figure(page: str, href: str) -> int:
    """The number a dashboard card linking to `href` shows."""
    match = re.search(
        rf'<a href="{re.escape(html.escape(href))}">\s*<span class="dash-number">(\d+)</span>', page
    )
    assert match, f"no figure links to {href}"
    return int(match.group(1))


def cell(page: str, href: str) -> str:
    """The visible text of the table cell whose count links to `href`."""
    match = re.search(
        rf'<td class="dash-num"><a href="{re.escape(html.escape(href))}">.*?</td>', page
    )
    assert match, f"no cell links to {href}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def backdate_state(order: RepairOrder, *, days: int) -> None:
    """The order entered its current state `days` days ago (its history says so)."""
    then = timezone.now() - datetime.timedelta(days=days)
    StatusEvent.objects.filter(
        claim_id=order.claim_id, subject="order", to_status=order.status
    ).update(created_at=then)
    RepairOrder.objects.filter(pk=order.pk).update(state_entered_at=then)


# --- The claims ---------------------------------------------------------------------


def test_it_counts_todays_claims_the_waiting_ones_and_the_reply_clock(support):
    today = timezone.localdate()
    ClaimFactory.create_batch(2)  # new today, 10 days left
    ClaimFactory(submitted_at=timezone.now() - datetime.timedelta(days=2))
    waiting = ClaimFactory(submitted_at=timezone.now() - datetime.timedelta(days=3))
    claim_step(waiting, "request_info", by=SupportUserFactory(), message="Фото чека")
    ClaimFactory(response_due_date=today - datetime.timedelta(days=1))  # overdue
    ClaimFactory(response_due_date=today)  # due today: within 3 days
    ClaimFactory(response_due_date=today + datetime.timedelta(days=3))  # within 3 days
    ClaimFactory(response_due_date=today + datetime.timedelta(days=4))  # later
    rejected = ClaimFactory(response_due_date=today - datetime.timedelta(days=5))
    claim_step(rejected, "reject", by=SupportUserFactory(), reason="Не наш товар")

    page = support.get(INDEX).content.decode()

    assert figure(page, f"{CLAIMS}?submitted=today") == 7
    assert figure(page, f"{CLAIMS}?status__exact=needs_info") == 1
    assert figure(page, f"{CLAIMS}?{CLOCK}=overdue") == 1  # an answered claim is not overdue
    assert figure(page, f"{CLAIMS}?{CLOCK}=soon") == 2
    text = visible_text(page)
    assert f"Заявки на {today:%d.%m.%Y}" in text
    # Each label agrees with its number: «1 ждёт», «7 новых», «2 … ждут».
    assert "1 ждёт информации от клиента" in text
    assert "7 новых за сегодня" in text
    assert "1 с просроченным ответом" in text


@pytest.mark.parametrize(
    ("new", "label"),
    [(1, "1 новая за сегодня"), (3, "3 новые за сегодня"), (5, "5 новых за сегодня")],
)
def test_the_claim_figures_agree_with_their_number_in_russian(support, new, label):
    ClaimFactory.create_batch(new)

    assert label in visible_text(support.get(INDEX).content.decode())


def test_the_claim_figures_read_in_kazakh_and_english(support):
    ClaimFactory.create_batch(2)

    kazakh = visible_text(support.get(INDEX, headers={"accept-language": "kk"}).content.decode())
    english = visible_text(support.get(INDEX, headers={"accept-language": "en"}).content.decode())

    assert "2 бүгін келген" in kazakh
    assert "2 new today" in english


def test_each_claim_figure_opens_the_list_of_exactly_those_claims(support):
    today = timezone.localdate()
    waiting = ClaimFactory(submitted_at=timezone.now() - datetime.timedelta(days=4))
    claim_step(waiting, "request_info", by=SupportUserFactory(), message="Фото чека")
    ClaimFactory(response_due_date=today - datetime.timedelta(days=2))
    ClaimFactory(response_due_date=today + datetime.timedelta(days=1))
    ClaimFactory(submitted_at=timezone.now() - datetime.timedelta(days=1))
    page = support.get(INDEX).content.decode()
    links = re.findall(
        r'<a href="(/admin/claims/claim/\?[^"]+)">\s*<span class="dash-number">', page
    )

    for link in map(html.unescape, links):
        listed = support.get(link).content.decode()
        assert listed.count('class="field-number"') == figure(page, link), link
    assert len(links) == 5


# --- The orders ---------------------------------------------------------------------


def test_it_shows_open_orders_per_center_and_state_with_labels_and_links(support):
    almaty = TechnicianFactory(service_center__name="Сервис Алматы")
    astana = TechnicianFactory(service_center__name="Сервис Астана", service_center__city="Астана")
    make_order(status=OrderStatus.DIAGNOSTICS, technician=almaty)
    make_order(status=OrderStatus.DIAGNOSTICS, technician=almaty)
    make_order(status=OrderStatus.IN_REPAIR, technician=astana)
    make_order(status=OrderStatus.DELIVERED, technician=astana)  # finished: not on the board
    ServiceCenterFactory(name="Закрытый центр", is_active=False)  # closed and empty: left out

    page = support.get(INDEX).content.decode()

    almaty_id = almaty.service_center_id
    astana_id = astana.service_center_id
    assert (
        cell(page, f"{ORDERS}?status__exact=diagnostics&service_center__id__exact={almaty_id}")
        == "2"
    )
    assert (
        cell(page, f"{ORDERS}?status__exact=in_repair&service_center__id__exact={astana_id}") == "1"
    )
    assert cell(page, f"{ORDERS}?status__exact=diagnostics") == "2"  # all centers
    text = visible_text(page)
    for label in ["Ждём отправки", "Диагностика", "В ремонте", "Готово к возврату"]:
        assert label in text
    assert "Сервис Астана" in text and "Закрытый центр" not in text
    # Codes only in links, never as text.
    assert not re.search(r"\b(diagnostics|in_repair|awaiting_shipment)\b", text)


def test_the_order_cell_opens_the_list_of_those_orders(support):
    technician = TechnicianFactory()
    order = make_order(status=OrderStatus.DIAGNOSTICS, technician=technician)
    elsewhere = make_order(status=OrderStatus.DIAGNOSTICS)
    in_repair = make_order(status=OrderStatus.IN_REPAIR, technician=technician)

    page = support.get(
        ORDERS,
        {"status__exact": "diagnostics", "service_center__id__exact": technician.service_center_id},
    ).content.decode()

    assert order.display_number in page
    assert elsewhere.display_number not in page
    assert in_repair.display_number not in page


def test_it_marks_orders_in_a_state_longer_than_usual_and_lists_the_longest(support):
    technician = TechnicianFactory()
    late = make_order(status=OrderStatus.DIAGNOSTICS, technician=technician)  # usually 5 days
    backdate_state(late, days=9)
    in_time = make_order(status=OrderStatus.DIAGNOSTICS, technician=technician)
    backdate_state(in_time, days=5)
    waiting_for_customer = make_order(status=OrderStatus.AWAITING_SHIPMENT, technician=technician)
    backdate_state(waiting_for_customer, days=60)  # no usual period: never late

    page = support.get(INDEX).content.decode()

    center_id = technician.service_center_id
    diagnostics = cell(
        page, f"{ORDERS}?status__exact=diagnostics&service_center__id__exact={center_id}"
    )
    assert diagnostics == "2 дольше обычного: 1"
    shipment = cell(
        page, f"{ORDERS}?status__exact=awaiting_shipment&service_center__id__exact={center_id}"
    )
    assert shipment == "1"
    stale = re.search(r'<section[^>]*aria-labelledby="dash-stale".*?</section>', page, re.S)
    rows = re.findall(r"<tr>.*?</tr>", stale.group(0), re.S)[1:]
    assert [visible_text(row) for row in rows] == [
        f"{late.display_number} {technician.service_center} Диагностика 9 5"
    ]
    assert f'href="/admin/repairs/repairorder/{late.pk}/change/"' in stale.group(0)


def test_a_note_does_not_restart_the_days_in_a_state(support):
    technician = TechnicianFactory()
    order = make_order(status=OrderStatus.IN_REPAIR, technician=technician)  # usually 11 days
    backdate_state(order, days=12)
    StatusEvent.objects.create(
        claim_id=order.claim_id,
        subject="order",
        transition="note",
        from_status=order.status,
        to_status=order.status,
        internal_note="Позвонили клиенту",
    )

    page = support.get(INDEX).content.decode()

    center_id = technician.service_center_id
    assert cell(
        page, f"{ORDERS}?status__exact=in_repair&service_center__id__exact={center_id}"
    ) == ("1 дольше обычного: 1")


def returned(order: RepairOrder, *, claim_days_ago: int, returned_days_ago: int) -> None:
    now = timezone.now()
    order.claim.__class__.objects.filter(pk=order.claim_id).update(
        submitted_at=now - datetime.timedelta(days=claim_days_ago)
    )
    when = now - datetime.timedelta(days=returned_days_ago)
    if order.status == OrderStatus.DELIVERED:
        RepairOrder.objects.filter(pk=order.pk).update(returned_at=when)
    else:
        Shipment.objects.filter(repair_order=order, direction="outbound").update(created_at=when)


def test_it_gives_each_center_the_median_days_from_claim_to_return_over_90_days(support):
    technician = TechnicianFactory()
    other = TechnicianFactory(service_center__name="Другой центр")
    for claim_days, return_days in [(30, 20), (40, 28), (25, 5)]:  # 10, 12 and 20 days
        order = make_order(status=OrderStatus.DELIVERED, technician=technician)
        returned(order, claim_days_ago=claim_days, returned_days_ago=return_days)
    old = make_order(status=OrderStatus.DELIVERED, technician=technician)
    returned(old, claim_days_ago=200, returned_days_ago=100)  # outside the 90 days
    shipped = make_order(status=OrderStatus.SHIPPED, technician=other)  # sent back, not there yet
    returned(shipped, claim_days_ago=9, returned_days_ago=2)

    page = support.get(INDEX).content.decode()

    center = technician.service_center_id
    median = cell(page, f"{ORDERS}?service_center__id__exact={center}&status__exact=delivered")
    assert median == "12,0 возвратов: 3"
    other_id = other.service_center_id
    median = cell(page, f"{ORDERS}?service_center__id__exact={other_id}&status__exact=delivered")
    assert median == "7,0 возвратов: 1"


def test_the_median_is_read_from_the_cache_until_a_return_changes_it(
    support, django_assert_max_num_queries
):
    cache.clear()
    technician = TechnicianFactory()
    order = make_order(status=OrderStatus.DELIVERED, technician=technician)
    returned(order, claim_days_ago=30, returned_days_ago=20)  # 10 days
    center = technician.service_center_id
    link = f"{ORDERS}?service_center__id__exact={center}&status__exact=delivered"
    with django_assert_max_num_queries(15) as computed:
        first = support.get(INDEX).content.decode()

    with django_assert_max_num_queries(14) as cached:
        again = support.get(INDEX).content.decode()
    # Counted now: the next request empties the connection's query log.
    assert len(cached) == len(computed) - 1  # the median's query, not run again
    later = make_order(status=OrderStatus.DELIVERED, technician=technician)
    returned(later, claim_days_ago=24, returned_days_ago=4)  # 20 days: the median moves
    after_a_return = support.get(INDEX).content.decode()

    assert cell(first, link) == cell(again, link) == "10,0 возвратов: 1"
    assert cell(after_a_return, link) == "15,0 возвратов: 2"


# --- Who sees it, and what it costs ---------------------------------------------------


def test_staff_who_may_not_see_claims_get_the_plain_index():
    client = Client()
    client.force_login(User.objects.create_user("clerk", password=PASSWORD, is_staff=True))

    page = client.get(INDEX).content.decode()

    assert "dash-figures" not in page
    assert "DREAME Сервис — поддержка" in page


def test_an_anonymous_visitor_is_sent_to_the_login():
    response = Client().get(INDEX)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def seed_a_busy_day():
    """Three centers with orders in several states, some late, some returned lately."""
    cities = ["Алматы", "Астана", "Шымкент"]
    for number, city in enumerate(cities):
        technician = TechnicianFactory(
            service_center__name=f"DREAME Сервис {city}", service_center__city=city
        )
        for status, days_in_state in [
            (OrderStatus.AWAITING_SHIPMENT, 3),
            (OrderStatus.IN_TRANSIT, 2),
            (OrderStatus.DIAGNOSTICS, 2 + 4 * number),  # late from the second center on
            (OrderStatus.IN_REPAIR, 6 + 5 * number),  # late at the third
            (OrderStatus.AWAITING_PARTS, 10),
        ]:
            order = make_order(status=status, technician=technician)
            backdate_state(order, days=days_in_state)
        for took in [9 + number, 14 + 2 * number, 21]:
            order = make_order(status=OrderStatus.DELIVERED, technician=technician)
            returned(order, claim_days_ago=took + 5, returned_days_ago=5)
    ClaimFactory.create_batch(5)
    ServiceCenterFactory(name="DREAME Сервис Караганда", city="Караганда")


def test_the_dashboard_costs_the_same_queries_with_no_data_or_a_busy_day(
    support, django_assert_max_num_queries
):
    cache.clear()  # both pages compute the return medians: none is in the cache
    # 1 session, 2 user, 3 the user's permissions, 4 their groups' permissions; then the
    # dashboard: 5 the claims new today, 6 the open claims' figures, 7 the claims with an
    # unanswered e-mail or WhatsApp message, 8 the e-mails to support without a claim,
    # 9 the centers with their ratings, 10 open and late orders per center and state,
    # 11 the ten latest orders, 12 the state of the returned orders, 13 the medians per
    # center (not when 12 finds them cached), 14 the failed e-mails, 15 the failed phone
    # messages per channel.
    with django_assert_max_num_queries(15) as on_an_empty_day:
        empty = support.get(INDEX)
    seed_a_busy_day()

    with django_assert_max_num_queries(15) as on_a_busy_day:
        busy = support.get(INDEX)

    assert len(on_a_busy_day) == len(on_an_empty_day)
    assert empty.status_code == busy.status_code == 200
    assert "dash-late" in busy.content.decode()


# --- In the browser -------------------------------------------------------------------


@pytest.mark.browser
def test_support_logs_in_and_reads_the_day_on_the_dashboard(browser, live_server):
    seed_a_busy_day()
    waiting = ClaimFactory()
    claim_step(waiting, "request_info", by=SupportUserFactory(), message="Фото чека")
    ClaimFactory(response_due_date=timezone.localdate() - datetime.timedelta(days=2))
    agent = SupportUserFactory(username="aigerim", first_name="Айгерим")
    context, page = office_page_for(browser, live_server)
    try:
        page.goto(f"{live_server.url}/admin/login/")
        page.get_by_label("Имя пользователя").fill(agent.username)
        page.get_by_label("Пароль").fill(PASSWORD)
        page.get_by_role("button", name="Войти").click()

        expect(page.get_by_role("heading", name="Сводка на сегодня")).to_be_visible()
        expect(page.get_by_role("link", name="DREAME Сервис — поддержка")).to_be_visible()
        expect(page.get_by_role("link", name=re.compile(r"1\s+ждёт информации"))).to_be_visible()
        expect(
            page.get_by_role("link", name=re.compile(r"1\s+с просроченным ответом"))
        ).to_be_visible()
        expect(page.get_by_role("columnheader", name="Диагностика")).to_be_visible()
        assert_no_horizontal_scroll(page)
        assert axe_violations(page) == []
        save_screenshot(page, "admin_dashboard")

        page.get_by_role("link", name=re.compile(r"1\s+ждёт информации")).click()
        expect(page.get_by_role("link", name=waiting.number)).to_be_visible()
    finally:
        context.close()
