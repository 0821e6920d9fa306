"""The transition tables: one row per transition the models declare, and rows that tell
the truth about their services, e-mails and customer texts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, ClaimStatus, StatusEvent
from claims.steps import CLAIM_STEPS
from notifications.models import Notification
from repairs import states
from repairs.models import OrderStatus, RepairOrder
from repairs.steps import ORDER_STEPS, TRIAGE_STEPS, declared_moves, path_to
from repairs.tests.factories import TechnicianFactory, fit_verdict, make_order, run_step


def test_every_order_transition_the_model_declares_has_one_row_and_no_row_is_extra():
    assert {name for name, _source, _target in declared_moves()} == set(ORDER_STEPS)


def test_every_claim_transition_the_model_declares_has_one_row():
    field = Claim._meta.get_field("status")
    declared = {transition.name for transition in field.get_all_transitions(Claim)}
    assert declared == set(CLAIM_STEPS) == set(TRIAGE_STEPS)


def test_support_approves_through_the_hand_off_that_opens_the_order():
    assert TRIAGE_STEPS["approve"].work.__name__ == "open_order_on_approval"
    assert TRIAGE_STEPS["approve"].fields == ("service_center",)
    assert TRIAGE_STEPS["reject"] is CLAIM_STEPS["reject"]


@pytest.mark.parametrize("status", OrderStatus.values)
def test_every_order_state_has_its_customer_texts(status):
    # A missing entry would fall back to "Status updated" and tell the customer nothing.
    facts = states.STATES[status]
    assert all(str(text) for text in (facts.current, facts.next, facts.timeline))


def test_a_state_nothing_enters_has_no_path():
    with pytest.raises(ValueError):
        path_to(OrderStatus.AWAITING_SHIPMENT, start=OrderStatus.RECEIVED)


def test_the_usual_path_to_ready_for_return_is_a_finished_repair():
    assert path_to(OrderStatus.READY_FOR_RETURN) == [
        "receive",
        "start_diagnostics",
        "start_repair",
        "complete",
    ]
    assert path_to(OrderStatus.CANCELLED, start=OrderStatus.DIAGNOSTICS) == ["cancel"]


def _first_source(name: str) -> str:
    return next(source for step, source, _target in declared_moves() if step == name)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(ORDER_STEPS))
def test_the_table_says_truly_whether_the_customer_gets_an_email(name):
    technician = TechnicianFactory()
    order = make_order(status=_first_source(name), technician=technician)
    order = fit_verdict(order, [name])
    before = Notification.objects.filter(recipient=order.claim.email).count()

    run_step(name, order, technician.user)

    emailed = Notification.objects.filter(recipient=order.claim.email).count() > before
    assert emailed == ORDER_STEPS[name].emails_customer


@pytest.mark.django_db
def test_an_order_reaching_a_final_state_closes_its_claim_with_an_event_of_its_own():
    technician = TechnicianFactory()
    order = make_order(status=OrderStatus.SHIPPED, technician=technician)

    run_step("confirm_delivery", order, technician.user)

    claim = Claim.objects.get(pk=order.claim_id)
    assert claim.status == ClaimStatus.CLOSED
    close = claim.status_events.get(transition="close")
    assert (close.subject, close.from_status, close.to_status, close.by) == (
        StatusEvent.Subject.CLAIM,
        ClaimStatus.APPROVED,
        ClaimStatus.CLOSED,
        technician.user,
    )


@pytest.mark.django_db
def test_closing_the_claim_locks_its_row_before_changing_it(postgres_db):
    technician = TechnicianFactory()
    order = make_order(status=OrderStatus.AWAITING_SHIPMENT, technician=technician)

    with CaptureQueriesContext(connection) as queries:
        run_step("cancel", order, technician.user)

    sql = [query["sql"] for query in queries.captured_queries]
    lock = next(
        i for i, s in enumerate(sql) if s.startswith('SELECT "claims_claim"') and "FOR UPDATE" in s
    )
    update = next(i for i, s in enumerate(sql) if s.startswith('UPDATE "claims_claim"'))
    event = next(
        i
        for i, s in enumerate(sql)
        if s.startswith('INSERT INTO "claims_statusevent"') and i > lock
    )
    assert lock < update
    assert lock < event
    assert RepairOrder.objects.get(pk=order.pk).claim.status == ClaimStatus.CLOSED
