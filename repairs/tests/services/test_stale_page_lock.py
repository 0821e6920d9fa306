"""The one lock every "do it only if it still looks as the page showed" takes
(dreame_service.kit.fsm.lock_shown): support's triage, the order's step table and the
customer's «Мой ремонт» steps, all through their step runner."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, ClaimStatus
from claims.tests.factories import ClaimFactory
from dreame_service.kit.fsm import Stale, lock_shown
from repairs import steps
from repairs.models import OrderStatus, RepairOrder
from repairs.services import customer
from repairs.tests.factories import make_order

pytestmark = pytest.mark.django_db


def test_it_returns_the_row_in_one_query_while_it_is_in_the_state_shown():
    claim = ClaimFactory()

    with CaptureQueriesContext(connection) as queries:
        locked = lock_shown(Claim.objects, pk=claim.pk, shown={"status": ClaimStatus.SUBMITTED})

    assert (locked.pk, locked.status) == (claim.pk, ClaimStatus.SUBMITTED)
    assert len(queries) == 1


@pytest.mark.postgres
def test_the_one_query_locks_the_row(postgres_db):
    # PostgreSQL only: SQLite has no row locks, and Django leaves FOR UPDATE out there.
    claim = ClaimFactory()

    with CaptureQueriesContext(connection) as queries:
        lock_shown(Claim.objects, pk=claim.pk, shown={"status": ClaimStatus.SUBMITTED})

    assert "FOR UPDATE" in queries[0]["sql"]


def test_it_raises_stale_once_the_row_moved_on():
    order = make_order(status=OrderStatus.IN_TRANSIT)

    with pytest.raises(Stale):
        lock_shown(
            RepairOrder.objects, pk=order.pk, shown={"status": OrderStatus.AWAITING_SHIPMENT}
        )


@pytest.mark.parametrize(
    ("shown", "refused"),
    [(OrderStatus.AWAITING_SHIPMENT, Stale), (None, None)],
)
def test_the_step_table_refuses_a_step_chosen_for_another_state(shown, refused):
    order = make_order(status=OrderStatus.IN_TRANSIT)
    staff = order.claim.status_events.get(transition="approve").by

    if refused:
        with pytest.raises(refused):
            steps.run_step(
                order, "cancel", by=staff, values={"reason": "-"}, shown={"status": shown}
            )
        assert RepairOrder.objects.get(pk=order.pk).status == OrderStatus.IN_TRANSIT
    else:  # no state shown (a script, seed_demo): the move is made from where the order is
        steps.run_step(order, "cancel", by=staff, values={"reason": "-"})
        assert RepairOrder.objects.get(pk=order.pk).status == OrderStatus.CANCELLED


def test_the_customers_step_on_a_page_gone_stale_changes_nothing():
    order = make_order(status=OrderStatus.IN_TRANSIT)

    with pytest.raises(Stale):
        customer.register_parcel(order=order, carrier="Kazpost", tracking_number="RR000000014KZ")

    assert not order.shipments.filter(tracking_number="RR000000014KZ").exists()
