"""The one lock every "do it only if it still looks as the page showed" takes
(dreame_service.fsm.lock_in_state): support's triage, the order's transition table and the
customer's «Мой ремонт» steps."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, ClaimStatus
from claims.tests.factories import ClaimFactory
from dreame_service.fsm import lock_in_state
from repairs import transitions
from repairs.models import OrderStatus, RepairOrder
from repairs.services import customer
from repairs.tests.factories import make_order

pytestmark = pytest.mark.django_db


class Moved(Exception):
    pass


def test_it_returns_the_row_in_one_query_while_it_is_in_the_state_shown():
    claim = ClaimFactory()

    with CaptureQueriesContext(connection) as queries:
        locked = lock_in_state(Claim, pk=claim.pk, expected=ClaimStatus.SUBMITTED, changed=Moved)

    assert (locked.pk, locked.status) == (claim.pk, ClaimStatus.SUBMITTED)
    assert len(queries) == 1


@pytest.mark.postgres
def test_the_one_query_locks_the_row(postgres_db):
    # PostgreSQL only: SQLite has no row locks, and Django leaves FOR UPDATE out there.
    claim = ClaimFactory()

    with CaptureQueriesContext(connection) as queries:
        lock_in_state(Claim, pk=claim.pk, expected=ClaimStatus.SUBMITTED, changed=Moved)

    assert "FOR UPDATE" in queries[0]["sql"]


def test_it_raises_the_callers_exception_once_the_row_moved_on():
    order = make_order(status=OrderStatus.IN_TRANSIT)

    with pytest.raises(Moved):
        lock_in_state(
            RepairOrder, pk=order.pk, expected=OrderStatus.AWAITING_SHIPMENT, changed=Moved
        )


@pytest.mark.parametrize(
    ("shown", "refused"),
    [(OrderStatus.AWAITING_SHIPMENT, transitions.OrderChanged), (None, None)],
)
def test_the_transition_table_refuses_a_step_chosen_for_another_state(shown, refused):
    order = make_order(status=OrderStatus.IN_TRANSIT)
    staff = order.claim.status_events.get(transition="approve").by

    if refused:
        with pytest.raises(refused):
            transitions.run(
                order=order, name="cancel", by=staff, values={"reason": "-"}, expected_status=shown
            )
        assert RepairOrder.objects.get(pk=order.pk).status == OrderStatus.IN_TRANSIT
    else:  # no state shown (a script, seed_demo): the move is made from where the order is
        transitions.run(order=order, name="cancel", by=staff, values={"reason": "-"})
        assert RepairOrder.objects.get(pk=order.pk).status == OrderStatus.CANCELLED


def test_the_customers_step_on_a_page_gone_stale_changes_nothing():
    order = make_order(status=OrderStatus.IN_TRANSIT)

    with pytest.raises(customer.NotNow):
        customer.register_parcel(order=order, carrier="Kazpost", tracking_number="RR1KZ")

    assert not order.shipments.filter(tracking_number="RR1KZ").exists()
