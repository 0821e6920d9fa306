"""The repair order's state machine, exactly as DESIGN §3 draws it, driven through the services."""

import pytest

from claims.models import ClaimStatus, StatusEvent
from dreame_service.kit.fsm import Stale
from notifications.models import Notification
from repairs.models import (
    FINAL_STATES,
    IntakeAct,
    OrderStatus,
    RepairOrder,
    Resolution,
    Shipment,
)
from repairs.steps import ORDER_STEPS, path_to
from repairs.tests.factories import (
    SupportUserFactory,
    TechnicianFactory,
    advance_order,
    fit_verdict,
    make_order,
    run_step,
)

S = OrderStatus
NON_FINAL = [status for status in S.values if status not in FINAL_STATES]

# DESIGN §3, transcribed: transition -> {source: target}.
ALLOWED = {
    "register_shipment": {S.AWAITING_SHIPMENT: S.IN_TRANSIT},
    "receive": {S.AWAITING_SHIPMENT: S.RECEIVED, S.IN_TRANSIT: S.RECEIVED},
    "start_diagnostics": {S.RECEIVED: S.DIAGNOSTICS},
    "start_repair": {S.DIAGNOSTICS: S.IN_REPAIR},
    "send_quote": {S.DIAGNOSTICS: S.AWAITING_APPROVAL},
    # Issue 22: a changed estimate is a new quote (a paid repair's, `is_quoted`).
    "revise_quote": dict.fromkeys(
        [S.AWAITING_APPROVAL, S.IN_REPAIR, S.AWAITING_PARTS], S.AWAITING_APPROVAL
    ),
    "accept_quote": {S.AWAITING_APPROVAL: S.IN_REPAIR},
    "decline_quote": {S.AWAITING_APPROVAL: S.READY_FOR_RETURN},
    "wait_for_parts": {S.IN_REPAIR: S.AWAITING_PARTS},
    "parts_arrived": {S.AWAITING_PARTS: S.IN_REPAIR},
    "complete": {S.IN_REPAIR: S.READY_FOR_RETURN},
    "resolve_replacement": {S.DIAGNOSTICS: S.READY_FOR_RETURN},
    "resolve_refund": {S.DIAGNOSTICS: S.REFUNDED},
    "ship_back": {S.READY_FOR_RETURN: S.SHIPPED},
    "confirm_delivery": {S.SHIPPED: S.DELIVERED},
    "cancel": dict.fromkeys(NON_FINAL, S.CANCELLED),
}
ALLOWED_MOVES = [
    (step, source, target) for step, moves in ALLOWED.items() for source, target in moves.items()
]


def test_the_model_allows_exactly_the_moves_of_the_design():
    field = RepairOrder._meta.get_field("status")
    declared = {
        (transition.name, transition.source, transition.target)
        for transition in field.get_all_transitions(RepairOrder)
    }

    assert declared == {(step, str(source), str(target)) for step, source, target in ALLOWED_MOVES}
    assert set(ORDER_STEPS) == set(ALLOWED)


def test_every_state_is_reachable_and_every_path_is_legal():
    for status in S.values:
        current = S.AWAITING_SHIPMENT
        for step in path_to(status):
            current = ALLOWED[step][current]
        assert current == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("step", "source", "target"),
    ALLOWED_MOVES,
    ids=[f"{step}:{source}" for step, source, _target in ALLOWED_MOVES],
)
def test_each_allowed_transition_moves_the_order_and_writes_one_status_event(step, source, target):
    technician = TechnicianFactory()
    if step == "revise_quote" and source != S.AWAITING_APPROVAL:
        # A quote is revised only where one exists: a paid repair, accepted.
        order = make_order(status=S.AWAITING_APPROVAL, technician=technician)
        then = ["accept_quote"] + (["wait_for_parts"] if source == S.AWAITING_PARTS else [])
        order = advance_order(order, then, by=technician.user)
    else:
        order = fit_verdict(make_order(status=source, technician=technician), [step])
    events_before = set(StatusEvent.objects.values_list("pk", flat=True))
    # Once shipped back only support cancels (a lost parcel).
    by = SupportUserFactory() if (step, source) == ("cancel", S.SHIPPED) else technician.user

    result = run_step(step, order, by)

    assert result.status == target
    assert RepairOrder.objects.get(pk=order.pk).status == target
    new_events = StatusEvent.objects.exclude(pk__in=events_before)
    order_event = new_events.get(subject=StatusEvent.Subject.ORDER)
    assert (order_event.transition, order_event.from_status, order_event.to_status) == (
        step,
        source,
        target,
    )
    assert order_event.by == by
    assert order_event.claim_id == order.claim_id
    claim = order.claim.__class__.objects.get(pk=order.claim_id)
    if target in FINAL_STATES:
        # the claim closes with its order, logged as a claim event of its own
        close_event = new_events.get(subject=StatusEvent.Subject.CLAIM)
        assert (close_event.transition, close_event.from_status, close_event.to_status) == (
            "close",
            ClaimStatus.APPROVED,
            ClaimStatus.CLOSED,
        )
        assert claim.status == ClaimStatus.CLOSED
        assert new_events.count() == 2
    else:
        assert claim.status == ClaimStatus.APPROVED
        assert new_events.count() == 1


@pytest.mark.django_db
def test_a_fresh_order_has_a_creation_event_and_the_claim_its_approval():
    order = make_order()

    events = list(StatusEvent.objects.filter(claim=order.claim).order_by("pk"))
    assert [(e.transition, e.from_status, e.to_status, e.subject) for e in events] == [
        ("approve", ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, "claim"),
        ("create", "", S.AWAITING_SHIPMENT, "order"),
    ]


@pytest.mark.django_db
def test_the_full_paid_repair_walk_records_every_step_in_order():
    technician = TechnicianFactory()
    order = fit_verdict(make_order(status=S.DIAGNOSTICS, technician=technician), ["send_quote"])
    for step in ["send_quote", "accept_quote", "wait_for_parts", "parts_arrived", "complete"]:
        order = run_step(step, order, technician.user)

    order = RepairOrder.objects.get(pk=order.pk)
    assert order.status == S.READY_FOR_RETURN
    assert order.resolution == Resolution.PAID_REPAIR
    assert order.quote_amount == 25000
    assert list(order.status_events.order_by("pk").values_list("from_status", "to_status")) == [
        ("", S.AWAITING_SHIPMENT),
        (S.AWAITING_SHIPMENT, S.RECEIVED),
        (S.RECEIVED, S.DIAGNOSTICS),
        (S.DIAGNOSTICS, S.AWAITING_APPROVAL),
        (S.AWAITING_APPROVAL, S.IN_REPAIR),
        (S.IN_REPAIR, S.AWAITING_PARTS),
        (S.AWAITING_PARTS, S.IN_REPAIR),
        (S.IN_REPAIR, S.READY_FOR_RETURN),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path_end", "resolution"),
    [
        (["start_repair"], Resolution.WARRANTY_REPAIR),
        (["send_quote", "accept_quote"], Resolution.PAID_REPAIR),
        (["send_quote", "decline_quote"], Resolution.UNREPAIRED),
        (["resolve_replacement"], Resolution.REPLACEMENT),
        (["resolve_refund"], Resolution.REFUND),
    ],
)
def test_the_resolution_follows_the_path_taken(path_end, resolution):
    technician = TechnicianFactory()
    order = fit_verdict(make_order(status=S.DIAGNOSTICS, technician=technician), path_end)
    for step in path_end:
        run_step(step, order, technician.user)

    assert RepairOrder.objects.get(pk=order.pk).resolution == resolution


@pytest.mark.django_db
def test_shipments_are_recorded_in_both_directions():
    technician = TechnicianFactory()
    order = make_order(status=S.AWAITING_SHIPMENT, technician=technician)
    for step in ["register_shipment", *path_to(S.SHIPPED)]:
        order = run_step(step, order, technician.user)

    shipments = {s.direction: s for s in Shipment.objects.filter(repair_order=order)}
    assert shipments[Shipment.Direction.INBOUND].tracking_number == "RR123456785KZ"
    assert shipments[Shipment.Direction.OUTBOUND].carrier == "CDEK"


@pytest.mark.django_db
def test_delivery_and_cancellation_record_their_details():
    technician = TechnicianFactory()
    delivered = make_order(status=S.DELIVERED, technician=technician)
    cancelled = make_order(status=S.CANCELLED, technician=technician)

    assert RepairOrder.objects.get(pk=delivered.pk).returned_at is not None
    cancelled = RepairOrder.objects.get(pk=cancelled.pk)
    assert cancelled.cancel_reason == "Клиент передумал"
    assert cancelled.status_events.last().public_note == "Клиент передумал"


FORBIDDEN = [
    (S.AWAITING_SHIPMENT, "start_diagnostics"),
    (S.AWAITING_SHIPMENT, "ship_back"),
    (S.IN_TRANSIT, "register_shipment"),
    (S.RECEIVED, "receive"),
    (S.RECEIVED, "start_repair"),
    (S.RECEIVED, "complete"),
    (S.DIAGNOSTICS, "complete"),
    (S.DIAGNOSTICS, "accept_quote"),
    (S.AWAITING_APPROVAL, "complete"),
    (S.IN_REPAIR, "resolve_refund"),
    (S.IN_REPAIR, "ship_back"),
    (S.AWAITING_PARTS, "complete"),
    (S.READY_FOR_RETURN, "confirm_delivery"),
    (S.SHIPPED, "ship_back"),
    (S.DELIVERED, "cancel"),
    (S.DELIVERED, "receive"),
    (S.REFUNDED, "ship_back"),
    (S.REFUNDED, "cancel"),
    (S.CANCELLED, "receive"),
    (S.CANCELLED, "cancel"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "step"), FORBIDDEN, ids=[f"{s}:{t}" for s, t in FORBIDDEN])
def test_a_forbidden_transition_raises_and_changes_nothing(source, step):
    technician = TechnicianFactory()
    order = make_order(status=source, technician=technician)
    counts = (
        StatusEvent.objects.count(),
        Notification.objects.count(),
        Shipment.objects.count(),
        IntakeAct.objects.count(),
    )

    with pytest.raises(Stale):
        run_step(step, order, technician.user)

    assert RepairOrder.objects.get(pk=order.pk).status == source
    assert counts == (
        StatusEvent.objects.count(),
        Notification.objects.count(),
        Shipment.objects.count(),
        IntakeAct.objects.count(),
    )


@pytest.mark.django_db
def test_a_stale_instance_is_reloaded_so_a_repeated_click_is_refused():
    technician = TechnicianFactory()
    order = make_order(status=S.AWAITING_SHIPMENT, technician=technician)
    stale = RepairOrder.objects.get(pk=order.pk)
    run_step("receive", order, technician.user)

    with pytest.raises(Stale):
        run_step("receive", stale, technician.user)

    assert IntakeAct.objects.filter(repair_order=order).count() == 1
    assert order.status_events.filter(transition="receive").count() == 1
