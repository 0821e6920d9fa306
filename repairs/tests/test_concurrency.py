"""Two people pressing the same button at once: exactly one wins, the other is refused.

Real threads with their own PostgreSQL connections; SQLite has no row locks to test.
"""

import pytest
from django_fsm import ConcurrentTransition

from claims.models import Claim, ClaimStatus, StatusEvent
from claims.tests.factories import ClaimFactory
from dreame_service.kit.fsm import Stale
from repairs.models import IntakeAct, OrderStatus, RepairOrder
from repairs.services import approve_claim_and_open_order, change_order_technician
from repairs.tests.factories import (
    INTAKE_ACT_DATA,
    ServiceCenterFactory,
    SupportUserFactory,
    TechnicianFactory,
    make_order,
    step,
)
from repairs.tests.races import race

pytestmark = [
    pytest.mark.postgres,
    # serialized_rollback: the flush after a transactional test must not lose the seeded
    # groups and policy that later tests rely on.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REFUSALS = (Stale,)


def test_second_concurrent_receive_is_refused(postgres_db):
    technician = TechnicianFactory()
    colleague = TechnicianFactory(service_center=technician.service_center)
    order = make_order(technician=technician)

    outcomes = race(
        lambda: step(
            RepairOrder.objects.get(pk=order.pk),
            "receive",
            by=technician.user,
            act_data=dict(INTAKE_ACT_DATA),
        ),
        lambda: step(
            RepairOrder.objects.get(pk=order.pk),
            "receive",
            by=colleague.user,
            act_data=dict(INTAKE_ACT_DATA),
        ),
    )

    winners = [o for o in outcomes if isinstance(o, RepairOrder)]
    losers = [o for o in outcomes if isinstance(o, REFUSALS)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    assert RepairOrder.objects.get(pk=order.pk).status == OrderStatus.RECEIVED
    assert order.status_events.filter(transition="receive").count() == 1
    assert IntakeAct.objects.filter(repair_order=order).count() == 1


def test_second_concurrent_approval_is_refused(postgres_db):
    claim = ClaimFactory()
    first, second = SupportUserFactory(), SupportUserFactory()
    almaty, astana = ServiceCenterFactory(), ServiceCenterFactory(city="Астана")

    outcomes = race(
        lambda: approve_claim_and_open_order(
            claim=Claim.objects.get(pk=claim.pk), service_center=almaty, by=first
        ),
        lambda: approve_claim_and_open_order(
            claim=Claim.objects.get(pk=claim.pk), service_center=astana, by=second
        ),
    )

    winners = [o for o in outcomes if isinstance(o, RepairOrder)]
    losers = [o for o in outcomes if isinstance(o, REFUSALS)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.APPROVED
    assert RepairOrder.objects.filter(claim=claim).count() == 1
    assert StatusEvent.objects.filter(claim=claim, transition="approve").count() == 1


def test_a_stale_save_after_a_committed_move_raises_concurrent_transition(postgres_db):
    order = make_order()
    stale = RepairOrder.objects.get(pk=order.pk)
    fresh = RepairOrder.objects.get(pk=order.pk)
    fresh.register_shipment()
    fresh.save()

    stale.cancel(reason="дубль")
    with pytest.raises(ConcurrentTransition):
        stale.save()

    assert RepairOrder.objects.get(pk=order.pk).status == OrderStatus.IN_TRANSIT


def test_a_link_request_answered_by_two_workers_at_once_sends_one_email(postgres_db):
    # The task and the sweep (or a redelivered task) may take the same row together.
    from claims.link_requests import answer_link_request
    from claims.models import LinkRequest
    from notifications.models import Notification

    claim = ClaimFactory(email="aigerim@example.kz")
    waiting = LinkRequest.objects.create(contact="aigerim@example.kz")

    outcomes = race(
        lambda: answer_link_request(link_request_id=waiting.pk),
        lambda: answer_link_request(link_request_id=waiting.pk),
    )

    assert sorted(outcomes) == [False, True], outcomes
    assert Notification.objects.filter(template="my_link", recipient=claim.email).count() == 1
    assert not LinkRequest.objects.exists()


def test_two_technicians_taking_one_order_at_once_leave_one_owner_and_one_row(postgres_db):
    technician = TechnicianFactory()
    colleague = TechnicianFactory(service_center=technician.service_center)
    order = make_order(technician=technician)  # awaiting its parcel: nobody has it

    def take(who):
        # Both pages showed nobody; the lock makes the second see the first's take.
        return lambda: change_order_technician(
            order=RepairOrder.objects.get(pk=order.pk),
            technician=who,
            by=who.user,
            shown_technician_id=None,
        )

    outcomes = race(take(technician), take(colleague))

    winners = [o for o in outcomes if isinstance(o, RepairOrder)]
    losers = [o for o in outcomes if isinstance(o, REFUSALS)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    owner = RepairOrder.objects.get(pk=order.pk).technician
    assert owner == winners[0].technician
    assert order.status_events.filter(transition="change_technician").count() == 1


def test_two_technicians_registering_the_same_walk_in_at_once_make_one_claim(postgres_db):
    # Two counters, one customer typed in twice: the claim's duplicate key lets one through.
    from claims.services import DuplicateClaim
    from repairs.services.counter import register_walk_in
    from repairs.tests.services.test_walk_in import act_data, claim_data

    first = TechnicianFactory()
    second = TechnicianFactory(service_center=first.service_center)

    outcomes = race(
        lambda: register_walk_in(claim_data=claim_data(), act_data=act_data(), technician=first),
        lambda: register_walk_in(claim_data=claim_data(), act_data=act_data(), technician=second),
    )

    winners = [o for o in outcomes if isinstance(o, RepairOrder)]
    losers = [o for o in outcomes if isinstance(o, DuplicateClaim)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    assert Claim.objects.count() == 1
    assert RepairOrder.objects.count() == 1
    assert IntakeAct.objects.count() == 1
