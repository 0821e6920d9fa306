"""«Обычно до …»: the day the public status page expects the order's next step.

The rule is pure (states.expected_by, no database); the page and both JSON answers
show what it says for the state the order is in and the local date it entered it.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from repairs.models import OrderStatus, RepairOrder
from repairs.states import USUAL_DAYS, expected_by
from repairs.tests.factories import step
from repairs.tests.status_lookup import URL, filled_order, stub_query

S = OrderStatus
API = "/api/v1/repair-status/"
ALMATY = ZoneInfo("Asia/Almaty")

# --- The rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "entered_on", "expected"),
    [
        (S.RECEIVED, datetime.date(2026, 11, 25), datetime.date(2026, 11, 29)),
        (S.DIAGNOSTICS, datetime.date(2026, 11, 25), datetime.date(2026, 11, 30)),
        (S.IN_REPAIR, datetime.date(2026, 11, 25), datetime.date(2026, 12, 6)),
        (S.AWAITING_PARTS, datetime.date(2026, 11, 25), datetime.date(2026, 12, 23)),
        (S.READY_FOR_RETURN, datetime.date(2026, 11, 25), datetime.date(2026, 11, 29)),
        (S.SHIPPED, datetime.date(2026, 11, 25), datetime.date(2026, 12, 2)),
        # across the year's end and a leap day
        (S.SHIPPED, datetime.date(2026, 12, 28), datetime.date(2027, 1, 4)),
        (S.RECEIVED, datetime.date(2028, 2, 27), datetime.date(2028, 3, 2)),
        (S.RECEIVED, datetime.date(2027, 2, 27), datetime.date(2027, 3, 3)),
    ],
)
def test_expected_by_adds_the_states_usual_days_to_the_day_it_was_entered(
    status, entered_on, expected
):
    assert expected_by(status, entered_on) == expected


def test_expected_by_is_the_last_day_the_workbench_does_not_yet_call_overdue():
    # The workbench: overdue once more than USUAL_DAYS[status] days have passed.
    entered_on = datetime.date(2026, 11, 25)
    for status, days in USUAL_DAYS.items():
        assert (expected_by(status, entered_on) - entered_on).days == days


@pytest.mark.parametrize(
    "status",
    [
        S.AWAITING_SHIPMENT,  # waits on the customer's parcel
        S.IN_TRANSIT,  # the carrier's time, not ours
        S.AWAITING_APPROVAL,  # waits on the customer's decision
        S.DELIVERED,
        S.REFUNDED,
        S.CANCELLED,
        "some_future_state",
    ],
)
def test_states_without_a_usual_period_expect_nothing(status):
    assert expected_by(status, datetime.date(2026, 11, 25)) is None


# --- On the page and in the JSON --------------------------------------------------------


def entered_at(order: RepairOrder, moment: datetime.datetime) -> None:
    RepairOrder.objects.filter(pk=order.pk).update(state_entered_at=moment)


def expected_paragraph(html: str) -> str | None:
    found = re.search(r'<p class="status-expected">(.*?)</p>', html, re.S)
    return found.group(1) if found else None


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_status_rate_limit")
def test_the_page_and_both_json_answers_give_the_expected_date(client):
    order = filled_order(to=S.IN_REPAIR)
    # 00:30 in Almaty on 25.11, still the 24th in UTC: the local date counts.
    entered_at(order, datetime.datetime(2026, 11, 25, 0, 30, tzinfo=ALMATY))

    html = client.get(URL, stub_query(order)).content.decode()  # Russian, the default
    page_json = client.get(URL, stub_query(order), HTTP_ACCEPT="application/json").json()
    api_json = client.get(API, stub_query(order)).json()

    assert "06.12.2026" in expected_paragraph(html)  # 25.11 + 11 days of a repair
    assert page_json["expected_by"] == api_json["expected_by"] == "2026-12-06"


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_status_rate_limit")
@pytest.mark.parametrize("status", [S.AWAITING_APPROVAL, S.DELIVERED, S.CANCELLED])
def test_a_state_without_a_usual_period_shows_no_date(client, status):
    order = filled_order(to=status)

    html = client.get(URL, stub_query(order)).content.decode()
    data = client.get(API, stub_query(order)).json()

    assert expected_paragraph(html) is None
    assert data["expected_by"] is None


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_status_rate_limit")
def test_the_expected_date_follows_the_order_when_it_moves(
    client, django_capture_on_commit_callbacks
):
    order = filled_order(to=S.IN_REPAIR)
    entered_at(order, datetime.datetime(2026, 11, 1, 12, 0, tzinfo=ALMATY))
    assert client.get(API, stub_query(order)).json()["expected_by"] == "2026-11-12"

    with django_capture_on_commit_callbacks(execute=True):
        step(order, "complete", by=User.objects.get(username="timur.tech"))

    # The move forgot the cached answer: the date is the new state's, from today.
    moved = RepairOrder.objects.get(pk=order.pk)
    new_date = expected_by(S.READY_FOR_RETURN, moved.state_entered_at.astimezone(ALMATY).date())
    assert client.get(API, stub_query(order)).json()["expected_by"] == new_date.isoformat()
    html = client.get(URL, stub_query(order)).content.decode()
    assert new_date.strftime("%d.%m.%Y") in expected_paragraph(html)


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_status_rate_limit")
def test_the_expected_date_costs_no_extra_query(client, django_assert_num_queries):
    order = filled_order(to=S.DIAGNOSTICS)
    # Expected: 1. the order (its state and when it was entered among the columns) joined
    # with its claim, center, outbound shipment, warranty months and events.
    with django_assert_num_queries(1):
        data = client.get(API, stub_query(order)).json()
    assert data["expected_by"] is not None
    # Expected: none. The cached answer holds the date.
    with django_assert_num_queries(0):
        html = client.get(URL, stub_query(order)).content.decode()
    assert expected_paragraph(html) is not None
