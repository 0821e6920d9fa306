"""Support's claim list: one search box for any number, the reply clock, the most urgent
first, filters, and the same few queries whatever the number of claims."""

import datetime
import html
import io
import re

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from claims.models import Claim, ClaimStatus, StatusEvent, Verdict
from claims.phone_replies import CUSTOMER_MESSAGES
from claims.tests.factories import ClaimFactory
from conftest import (
    AXE_JS,
    assert_no_horizontal_scroll,
    office_page_for,
    require,
    save_screenshot,
)
from dreame_service.kit import admin_lists
from repairs import order_numbers
from repairs.models import RepairOrder
from repairs.tests.factories import (
    ServiceCenterFactory,
    SupportUserFactory,
    TechnicianFactory,
)

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/claims/claim/"
TODAY = timezone.localdate


@pytest.fixture
def support():
    client = Client()
    client.force_login(SupportUserFactory())
    return client


def shown(client, **params) -> list[str]:
    """The claim numbers the list shows, top to bottom; a search with one match opens that
    claim's page instead: then its number alone."""
    response = client.get(CHANGELIST, params)
    if response.status_code == 302:
        opened = re.fullmatch(rf"{CHANGELIST}(\d+)/change/\?.*", response["Location"])
        assert opened, response["Location"]
        return [Claim.objects.get(pk=opened.group(1)).number]
    assert response.status_code == 200
    return re.findall(r'<th class="field-number"><a [^>]*>([^<]+)</a>', response.content.decode())


def cell(html: str, claim, column: str) -> str:
    """What the list shows in `column` of the claim's row."""
    rows = re.findall(r"<tr[^>]*>.*?</tr>", html, re.S)
    row = next(row for row in rows if f">{claim.number}</a>" in row)
    return re.search(rf'<td class="field-{column}[^"]*">(.*?)</td>', row, re.S).group(1)


def due_in(days: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=days)


def open_order(claim, center=None) -> RepairOrder:
    """An order as approval leaves it, written directly: these tests read lists only."""
    return RepairOrder.objects.create(
        claim=claim,
        service_center=center or ServiceCenterFactory(),
        order_number=order_numbers.generate(),
    )


# --- The search box ------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "8 701 234 56 78",
        "+7 (701) 234-56-78",
        "87012345678",
        "7012345678",
        "8 (701) 234-56-78",
        "+77012345678",
    ],
)
def test_it_finds_the_claim_by_its_phone_however_it_is_typed(support, typed):
    claim = ClaimFactory(phone="+77012345678")
    ClaimFactory(phone="+77019998877")

    assert shown(support, q=typed) == [claim.number]


def test_it_finds_the_claim_by_its_whatsapp_number(support):
    claim = ClaimFactory(phone="+77019998877", whatsapp="+77471234567")
    ClaimFactory(phone="+77019998866")

    assert shown(support, q="8 747 123 45 67") == [claim.number]


def test_a_fragment_of_a_phone_finds_nothing_the_phone_is_matched_exactly(support):
    ClaimFactory(phone="+77012345678")

    assert shown(support, q="2345678") == []
    assert shown(support, q="701234") == []


@pytest.mark.parametrize(
    "typed",
    ["CL-T0000042", "cl-t0000042", "CLT0000042", "T0000042", "t0000042", "cl-tooooo42"],
)
def test_it_finds_the_claim_by_its_number_with_or_without_cl(support, typed):
    claim = ClaimFactory(number="CL-T0000042")
    ClaimFactory(number="CL-T0000043")

    assert shown(support, q=typed) == [claim.number]


def test_it_finds_the_claim_by_its_email_or_a_part_of_it_in_any_case(support):
    claim = ClaimFactory(email="Aigerim.S@example.kz", full_name="Айгерим Сатпаева")
    other = ClaimFactory(email="erlan@mail.kz", full_name="Ерлан Жакупов")

    assert shown(support, q="AIGERIM.S@EXAMPLE.KZ") == [claim.number]
    assert shown(support, q="aigerim.s@") == [claim.number]
    assert shown(support, q="Example.kz") == [claim.number]
    assert sorted(shown(support, q=".kz")) == sorted([claim.number, other.number])
    assert shown(support, q="ivan@") == []


def test_a_search_with_one_match_opens_the_claim_and_its_page_leads_back(support):
    claim = ClaimFactory(phone="+77012345678")
    ClaimFactory(phone="+77019998877")

    response = support.get(CHANGELIST, {"q": "8 701 234 56 78"})

    assert response.status_code == 302
    assert response["Location"] == (
        f"{CHANGELIST}{claim.pk}/change/?_changelist_filters=q%3D8%2B701%2B234%2B56%2B78"
    )


def test_a_search_with_several_matches_shows_the_list(support):
    ClaimFactory(full_name="Айгерим Сатпаева")
    ClaimFactory(full_name="Айгерим Нурланова")

    response = support.get(CHANGELIST, {"q": "айгерим"})

    assert response.status_code == 200
    assert len(re.findall(r'<th class="field-number">', response.content.decode())) == 2


def test_it_finds_the_claim_by_its_serial_number_in_any_case(support):
    claim = ClaimFactory(serial_number="R2235A0012345")
    ClaimFactory(serial_number="R2235A0012346")

    assert shown(support, q="r2235a0012345") == [claim.number]


def test_it_finds_claims_by_part_of_the_name(support):
    claim = ClaimFactory(full_name="Айгерим Нурлановна Сатпаева")
    ClaimFactory(full_name="Дмитрий Ковалёв")

    assert shown(support, q="Сатпаева") == [claim.number]
    assert shown(support, q="Нурлановна Сатп") == [claim.number]


@pytest.mark.parametrize(
    ("full_name", "typed"),
    [
        ("Айгерим Сатпаева", "айгерим"),
        ("Айгерим Сатпаева", "АЙГЕРИМ САТПАЕВА"),
        ("Әлия Сәтбаева", "сәтбаева"),
        ("Ерлан Жақыпов", "ЖАҚЫП"),
    ],
)
def test_the_name_search_ignores_the_case_of_cyrillic_and_kazakh_letters(support, full_name, typed):
    # SQLite's own LIKE and upper() fold ASCII only: kit.text_search folds every alphabet.
    claim = ClaimFactory(full_name=full_name)
    ClaimFactory(full_name="Дмитрий Ковалёв")

    assert shown(support, q=typed) == [claim.number]


@pytest.mark.postgres
def test_the_name_and_email_search_ignores_case_on_postgresql(support, postgres_db):
    claim = ClaimFactory(full_name="Айгерим Сатпаева", email="Aigerim@Example.kz")

    assert shown(support, q="сатпаева") == [claim.number]
    assert shown(support, q="айгерим") == [claim.number]
    assert shown(support, q="aigerim@example") == [claim.number]


def test_a_search_that_fits_nothing_shows_no_claims(support):
    ClaimFactory()

    assert shown(support, q="ул. Абая 10") == []


# --- The columns ---------------------------------------------------------------------


def test_the_reply_clock_shows_days_left_amber_within_three_days_and_red_when_overdue(support):
    later = ClaimFactory(response_due_date=due_in(7))
    soon = ClaimFactory(response_due_date=due_in(2))
    today = ClaimFactory(response_due_date=due_in(0))
    overdue = ClaimFactory(response_due_date=due_in(-2))
    answered = ClaimFactory(status=ClaimStatus.REJECTED, response_due_date=due_in(-2))

    html = support.get(CHANGELIST).content.decode()

    assert 'class="reply-clock reply-clock--later"' in cell(html, later, "reply")
    assert "7 дн." in cell(html, later, "reply")
    assert 'class="reply-clock reply-clock--soon"' in cell(html, soon, "reply")
    assert "2 дн." in cell(html, soon, "reply")
    assert "сегодня" in cell(html, today, "reply")
    assert 'class="reply-clock reply-clock--overdue"' in cell(html, overdue, "reply")
    assert "просрочено на 2 дн." in cell(html, overdue, "reply")
    assert cell(html, answered, "reply") == "—"


def test_the_columns_show_labels_never_codes(support):
    claim = ClaimFactory(
        status=ClaimStatus.NEEDS_INFO,
        verdict=Verdict.PAID_REPAIR,
        product_model="DREAME L10s Ultra Gen 2",
        city="Усть-Каменогорск",
        submitted_at=timezone.now() - datetime.timedelta(days=4),
    )
    open_order(ClaimFactory(), ServiceCenterFactory(name="DREAME Сервис Астана", city="Астана"))

    html = support.get(CHANGELIST).content.decode()

    assert ">Запрошена информация<" in cell(html, claim, "status_badge")
    assert "needs_info<" not in html
    assert ">Платный<" in cell(html, claim, "verdict_badge")
    assert ">L10s Ultra Gen 2<" in cell(html, claim, "product_name")
    assert cell(html, claim, "city") == "Усть-Каменогорск"
    assert ">4 дн.<" in cell(html, claim, "age")
    assert cell(html, claim, "center") == "—"  # not approved: no center yet
    assert 'title="DREAME Сервис Астана (Астана)">Астана<' in html


def test_customer_text_is_shown_escaped(support):
    script = "<script>alert(1)</script>"
    ClaimFactory(city=script, product_model=f"DREAME {script}")

    html = support.get(CHANGELIST).content.decode()

    assert script not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Order and filters ---------------------------------------------------------------


def test_the_most_urgent_reply_comes_first_and_answered_claims_after_the_open_ones(support):
    answered = ClaimFactory(status=ClaimStatus.REJECTED, response_due_date=due_in(-30))
    in_five = ClaimFactory(response_due_date=due_in(5))
    overdue_two = ClaimFactory(response_due_date=due_in(-2))
    tomorrow = ClaimFactory(status=ClaimStatus.NEEDS_INFO, response_due_date=due_in(1))
    overdue_one = ClaimFactory(response_due_date=due_in(-1))

    assert shown(support) == [
        overdue_two.number,
        overdue_one.number,
        tomorrow.number,
        in_five.number,
        answered.number,
    ]


def test_no_column_header_offers_a_sort_that_no_index_serves(support):
    ClaimFactory()

    html = support.get(CHANGELIST).content.decode()

    assert 'class="sortable' not in html


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("overdue", ["overdue"]), ("soon", ["today", "in_three"]), ("later", ["in_four"])],
)
def test_the_reply_clock_filter_shows_open_claims_by_their_deadline(support, kind, expected):
    claims = {
        "overdue": ClaimFactory(response_due_date=due_in(-1)),
        "today": ClaimFactory(response_due_date=due_in(0)),
        "in_three": ClaimFactory(response_due_date=due_in(3)),
        "in_four": ClaimFactory(response_due_date=due_in(4)),
    }
    ClaimFactory(status=ClaimStatus.REJECTED, response_due_date=due_in(-1))  # answered

    assert shown(support, reply_clock=kind) == [claims[name].number for name in expected]


def test_the_submitted_filter_shows_todays_claims_and_this_weeks(support):
    now = timezone.now()
    today = ClaimFactory(submitted_at=now)
    this_week = ClaimFactory(submitted_at=now - datetime.timedelta(days=6))
    ClaimFactory(submitted_at=now - datetime.timedelta(days=8))

    assert shown(support, submitted="today") == [today.number]
    assert sorted(shown(support, submitted="week")) == sorted([today.number, this_week.number])


def test_the_status_filter_shows_claims_in_that_status_only(support):
    waiting = ClaimFactory(status=ClaimStatus.NEEDS_INFO)
    ClaimFactory()

    assert shown(support, status__exact="needs_info") == [waiting.number]


def test_the_verdict_filter_shows_claims_with_that_verdict_only(support):
    paid = ClaimFactory(verdict=Verdict.PAID_REPAIR)
    ClaimFactory(verdict=Verdict.FREE_REPAIR)

    assert shown(support, verdict__exact="paid_repair") == [paid.number]


def test_the_region_filter_shows_claims_from_that_region_only(support):
    karaganda = ClaimFactory(region="Карагандинская область", city="Темиртау")
    ClaimFactory(region="Алматы")

    assert shown(support, region="Карагандинская область") == [karaganda.number]
    assert "Карагандинская область" in support.get(CHANGELIST).content.decode()


def test_the_center_filter_shows_claims_assigned_to_that_center_only(support):
    astana = ServiceCenterFactory(name="DREAME Сервис Астана", city="Астана")
    assigned = ClaimFactory()
    open_order(assigned, astana)
    open_order(ClaimFactory())
    ClaimFactory()

    assert shown(support, service_center=astana.pk) == [assigned.number]


# --- Cost and access -----------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 30])
def test_the_claim_list_runs_the_same_queries_for_2_or_30_claims(
    support, django_assert_max_num_queries, rows
):
    claims = ClaimFactory.create_batch(rows)
    for claim in claims[::2]:
        open_order(claim)  # half of them with a center to show
    # Expected: session, user, the user's own and the groups' permissions (2), the center
    # filter's choices, the count of the page's rows (no second, full count), the page of
    # claims with their orders and centers (LEFT JOINs), the action form's centers: 8.
    with django_assert_max_num_queries(8):
        response = support.get(CHANGELIST)
    assert response.status_code == 200
    assert len(re.findall(r'<th class="field-number">', response.content.decode())) == rows


def test_the_bench_data_fills_the_list_across_ten_centers_in_the_same_queries(
    support, django_assert_max_num_queries
):
    out = io.StringIO()
    call_command("generate_claims", count=200, seed=3, stdout=out)
    claims = Claim.objects.all()
    waiting = claims.filter(status__in=[ClaimStatus.SUBMITTED, ClaimStatus.NEEDS_INFO])
    first_due = waiting.order_by("response_due_date", "-submitted_at", "-pk").first()

    with django_assert_max_num_queries(8):
        page = shown(support)

    assert "200 claims in" in out.getvalue()
    assert claims.count() == 200
    assert RepairOrder.objects.count() == 180
    assert RepairOrder.objects.values("service_center").distinct().count() == 10
    assert claims.filter(status_events__isnull=True).count() == 0  # each has its history
    assert len(page) == 50
    assert page[0] == first_due.number  # the most urgent reply first


def test_a_search_costs_the_same_queries_as_the_plain_list(support, django_assert_max_num_queries):
    claim = ClaimFactory(phone="+77012345678")
    ClaimFactory(phone="+77012345678")  # two matches: the list, not the one claim's page
    open_order(claim)
    # Expected: the same 8: every reading is looked up inside the page's and the count's query.
    with django_assert_max_num_queries(8):
        response = support.get(CHANGELIST, {"q": "8 (701) 234-56-78"})
    assert claim.number in response.content.decode()


# --- Counting at a million (issue 23) --------------------------------------------------


@pytest.fixture
def cap_of_three(monkeypatch):
    """The lists' count stops at 3 instead of 10,000: the same code, a small table."""
    monkeypatch.setattr(admin_lists, "COUNT_CAP", 3)


def test_a_list_longer_than_the_cap_says_more_than_it_never_shows_a_made_up_total(
    support, cap_of_three
):
    ClaimFactory.create_batch(5)

    page = html.unescape(support.get(CHANGELIST).content.decode())

    assert '<span class="paginator-total">Более 3</span>' in page
    assert "Всего:" not in page
    assert len(re.findall(r'<th class="field-number">', page)) == 5  # every row still listed


def test_a_list_within_the_cap_shows_its_total(support, cap_of_three):
    ClaimFactory.create_batch(3)

    page = html.unescape(support.get(CHANGELIST).content.decode())

    assert '<span class="paginator-total">Всего: 3</span>' in page


def test_a_search_with_more_matches_than_the_cap_lists_the_most_urgent_first(support, cap_of_three):
    claims = {
        days: ClaimFactory(full_name="Айгерим Ким", response_due_date=due_in(days))
        for days in (5, -1, 3, 8, 2)
    }
    ClaimFactory(full_name="Дмитрий Ковалёв", response_due_date=due_in(-9))

    response = support.get(CHANGELIST, {"q": "Ким"})
    page = html.unescape(response.content.decode())

    assert shown(support, q="Ким") == [claims[days].number for days in (-1, 2, 3, 5, 8)]
    assert "более 3 результатов" in page


def test_a_search_within_the_cap_counts_its_matches(support, cap_of_three):
    first = ClaimFactory(full_name="Айгерим Ким", response_due_date=due_in(4))
    second = ClaimFactory(full_name="Ерлан Ким", response_due_date=due_in(1))
    ClaimFactory(full_name="Дмитрий Ковалёв")

    page = html.unescape(support.get(CHANGELIST, {"q": "Ким"}).content.decode())

    assert shown(support, q="Ким") == [second.number, first.number]
    assert "2 результата" in page
    assert '<span class="paginator-total">Всего: 2</span>' in page


def test_the_row_checkbox_is_djangos_own_markup(support):
    # Written without Django's widget template (50 renders a page), the same HTML.
    claim = ClaimFactory(full_name="<b>Ким</b>")
    claim_admin = admin.site._registry[Claim]

    assert claim_admin.action_checkbox(claim) == admin.ModelAdmin.action_checkbox(
        claim_admin, claim
    )


def test_the_customer_message_index_covers_every_kind_of_customer_message():
    # The index's condition is written in literals (the models cannot import phone_replies).
    index = next(i for i in StatusEvent._meta.indexes if i.name == "statusevent_customer_message")

    assert set(dict(index.condition.children)["transition__in"]) == set(CUSTOMER_MESSAGES)


def test_an_anonymous_visitor_is_sent_to_the_login_page():
    response = Client().get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_technician_cannot_open_the_claim_list():
    technician = Client()
    technician.force_login(TechnicianFactory().user)
    ClaimFactory()

    response = technician.get(CHANGELIST)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- In the browser ------------------------------------------------------------------


VERDICTS = [Verdict.REPLACE_OR_REFUND, Verdict.FREE_REPAIR, Verdict.PAID_REPAIR]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_claim_list_fits_a_1280_px_screen_without_sideways_scrolling(browser, live_server):
    long_center = ServiceCenterFactory(
        name="DREAME Сервисный центр Усть-Каменогорск", city="Усть-Каменогорск"
    )
    for index in range(30):
        claim = ClaimFactory(  # the longest labels and values each column can hold
            status=[ClaimStatus.SUBMITTED, ClaimStatus.NEEDS_INFO, ClaimStatus.APPROVED][index % 3],
            verdict=[Verdict.REPLACE_OR_REFUND, Verdict.FREE_REPAIR, Verdict.PAID_REPAIR][
                index % 3
            ],
            product_model="DREAME L10s Ultra Gen 2",
            city="Усть-Каменогорск",
            full_name="Айгерим Нурлановна Сатпаева",
            response_due_date=due_in(index % 12 - 4),
            submitted_at=timezone.now() - datetime.timedelta(days=index),
        )
        if claim.status == ClaimStatus.APPROVED:
            open_order(claim, long_center)
    context, page = office_page_for(browser, live_server, user=SupportUserFactory())

    page.goto(f"{live_server.url}{CHANGELIST}")

    save_screenshot(page, "admin_claim_list_1280")
    assert page.locator("#result_list tbody tr").count() == 30
    assert page.locator(".reply-clock--overdue").count() > 0
    assert_no_horizontal_scroll(page)
    table = page.evaluate(
        "(() => { const box = document.querySelector('.results');"
        " return box.scrollWidth - box.clientWidth; })()"
    )
    assert table <= 0, f"the table scrolls sideways by {table}px"
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_badges_and_the_reply_clock_read_well_in_the_light_and_the_dark_theme(
    browser, live_server, scheme
):
    for status in ClaimStatus.values:  # overdue, due today, within 3 days, later
        for verdict, days in zip(Verdict.values, [-2, 0, 2, 7], strict=True):
            ClaimFactory(status=status, verdict=verdict, response_due_date=due_in(days))
    context, page = office_page_for(
        browser, live_server, user=SupportUserFactory(), color_scheme=scheme
    )

    page.goto(f"{live_server.url}{CHANGELIST}")

    # Every status and verdict has its colour (admin-lists.css), the same in both themes.
    badge = page.locator(".status-badge--needs_info").first
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 241, 204)"
    for code in [*ClaimStatus.values, *Verdict.values]:
        kind = "status" if code in ClaimStatus.values else "verdict"
        colour = page.locator(f".{kind}-badge--{code}").first.evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        assert colour != "rgba(0, 0, 0, 0)", f"{kind}-badge--{code} has no colour"
    assert page.locator(".reply-clock--overdue").count() > 0
    assert page.locator(".reply-clock--soon").count() > 0
    require(AXE_JS.exists(), "needs axe-core: npm ci")
    page.evaluate(AXE_JS.read_text())  # not a <script>: the CSP refuses inline ones
    violations = page.evaluate(
        """async () => (await axe.run(
            {include: [['.field-status_badge'], ['.field-verdict_badge'], ['.field-reply']]},
            {runOnly: {type: 'rule', values: ['color-contrast']}})).violations
            .map(v => v.nodes.map(n => n.target[0] + ': ' + n.failureSummary))"""
    )
    assert violations == []
    assert page.evaluate("window.__cspBlocked") == []
    context.close()
