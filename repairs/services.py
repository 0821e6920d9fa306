"""Writes on repair orders. Every state change of an order goes through one function here.

Each service locks the order row, calls the transition method (which raises
`TransitionNotAllowed` when the move is illegal), saves, writes one StatusEvent and
queues the customer's e-mail, all in one transaction.
"""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.models import ClaimStatus
from repairs import emails, order_numbers, public_status
from repairs.models import (
    FINAL_STATES,
    WORK_PERMISSION,
    IntakeAct,
    RepairOrder,
    ServiceCenter,
    Shipment,
    StatusEvent,
)

ORDER_NUMBER_ATTEMPTS = 5


def check_transition_permission(bound_transition, user) -> None:
    """Refuse a transition the user may not make; `None` is the system itself.

    Checked whatever the current state: django-fsm's `has_transition_perm` also answers
    False when the move is illegal from here, which would turn a second click (or a lost
    race) into PermissionDenied; that case must stay TransitionNotAllowed.
    """
    if user is None:
        return
    instance = bound_transition.__self__
    transitions = bound_transition._django_fsm.transitions.values()
    if not all(transition.has_perm(instance, user) for transition in transitions):
        raise PermissionDenied


def can_work_on(*, user, order: RepairOrder) -> bool:
    """Technicians move only their own center's orders (superusers any)."""
    if user is None or not user.is_active:
        return False
    if user.is_superuser:
        return True
    technician = getattr(user, "technician", None)
    return (
        technician is not None
        and technician.service_center_id == order.service_center_id
        and user.has_perm(WORK_PERMISSION)
    )


def record_status_event(
    *,
    claim,
    transition: str,
    from_status: str,
    to_status: str,
    repair_order: RepairOrder | None = None,
    by=None,
    public_note: str = "",
    internal_note: str = "",
) -> StatusEvent:
    return StatusEvent.objects.create(
        claim=claim,
        repair_order=repair_order,
        transition=transition,
        from_status=from_status,
        to_status=to_status,
        by=by,
        public_note=public_note,
        internal_note=internal_note,
    )


def create_repair_order(*, claim, service_center: ServiceCenter, by=None) -> RepairOrder:
    """Open the order for an approved claim under a fresh random order number."""
    for _attempt in range(ORDER_NUMBER_ATTEMPTS):
        number = order_numbers.generate()
        try:
            # A savepoint, so a collision on the number leaves the caller's transaction usable.
            with transaction.atomic():
                order = RepairOrder.objects.create(
                    order_number=number, claim=claim, service_center=service_center
                )
        except IntegrityError:
            if not RepairOrder.objects.filter(order_number=number).exists():
                raise
            continue
        record_status_event(
            claim=claim,
            repair_order=order,
            transition="create",
            from_status="",
            to_status=order.status,
            by=by,
        )
        return order
    raise RuntimeError("Could not draw a free order number")


def _lock(order: RepairOrder) -> RepairOrder:
    # Lock first: two technicians may press the same button at once; the second then
    # sees the new state and its transition is refused instead of silently repeated.
    return (
        RepairOrder.objects.select_related("claim", "service_center")
        .select_for_update(of=("self",))
        .get(pk=order.pk)
    )


def _move_with_event(
    *,
    order: RepairOrder,
    transition: str,
    by,
    public_note: str = "",
    internal_note: str = "",
    email_event: str | None = None,
    **kwargs,
) -> tuple[RepairOrder, StatusEvent]:
    """Lock, check, transition, save, log, notify: the one path every order change takes."""
    order = _lock(order)
    method = getattr(order, transition)
    if by is not None and not can_work_on(user=by, order=order):
        raise PermissionDenied
    check_transition_permission(method, by)
    from_status = order.status
    method(**kwargs)
    order.save()
    event = record_status_event(
        claim=order.claim,
        repair_order=order,
        transition=transition,
        from_status=from_status,
        to_status=order.status,
        by=by,
        public_note=public_note,
        internal_note=internal_note,
    )
    # The public status page caches its answer; it must not outlive this change.
    transaction.on_commit(
        partial(
            public_status.forget, order_number=order.order_number, intake_date=order.intake_date
        )
    )
    if order.status in FINAL_STATES:
        _close_claim(order=order, by=by)
    if email_event:
        emails.queue_order_email(order=order, event=email_event, status_event=event)
    return order, event


def _move(**kwargs) -> RepairOrder:
    order, _event = _move_with_event(**kwargs)
    return order


def _close_claim(*, order: RepairOrder, by) -> None:
    claim = order.claim
    if claim.status != ClaimStatus.APPROVED:
        return
    from_status = claim.status
    claim.close()
    claim.save()
    record_status_event(
        claim=claim, transition="close", from_status=from_status, to_status=claim.status, by=by
    )


@transaction.atomic
def register_shipment(*, order: RepairOrder, carrier: str, tracking_number: str, by) -> RepairOrder:
    order = _move(order=order, transition="register_shipment", by=by)
    Shipment.objects.create(
        repair_order=order,
        direction=Shipment.Direction.INBOUND,
        carrier=carrier,
        tracking_number=tracking_number,
    )
    return order


@transaction.atomic
def receive_order(*, order: RepairOrder, act_data: dict, by) -> RepairOrder:
    """Write the intake act and issue the stub: the intake date is today in Asia/Almaty."""
    order = _move(
        order=order,
        transition="receive",
        by=by,
        email_event="product_received",
        # Asia/Almaty even if a request activated another zone: the stub's date is local.
        intake_date=timezone.localdate(timezone=timezone.get_default_timezone()),
    )
    IntakeAct.objects.create(repair_order=order, received_by=by, **act_data)
    return order


@transaction.atomic
def start_diagnostics(*, order: RepairOrder, by, note: str = "") -> RepairOrder:
    return _move(order=order, transition="start_diagnostics", by=by, public_note=note)


@transaction.atomic
def start_repair(*, order: RepairOrder, by, note: str = "") -> RepairOrder:
    return _move(order=order, transition="start_repair", by=by, public_note=note)


@transaction.atomic
def send_quote(*, order: RepairOrder, amount, by, note: str = "") -> RepairOrder:
    return _move(
        order=order,
        transition="send_quote",
        by=by,
        public_note=note,
        email_event="quote_sent",
        amount=amount,
    )


@transaction.atomic
def accept_quote(*, order: RepairOrder, by, note: str = "") -> RepairOrder:
    return _move(order=order, transition="accept_quote", by=by, public_note=note)


@transaction.atomic
def decline_quote(*, order: RepairOrder, by, note: str = "") -> RepairOrder:
    return _move(order=order, transition="decline_quote", by=by, public_note=note)


@transaction.atomic
def wait_for_parts(*, order: RepairOrder, by, note: str = "") -> RepairOrder:
    return _move(order=order, transition="wait_for_parts", by=by, public_note=note)


@transaction.atomic
def parts_arrived(*, order: RepairOrder, by, note: str = "") -> RepairOrder:
    return _move(order=order, transition="parts_arrived", by=by, public_note=note)


@transaction.atomic
def complete_repair(*, order: RepairOrder, by, note: str = "") -> RepairOrder:
    return _move(
        order=order, transition="complete", by=by, public_note=note, email_event="repair_finished"
    )


@transaction.atomic
def resolve_replacement(*, order: RepairOrder, by, note: str = "") -> RepairOrder:
    return _move(
        order=order,
        transition="resolve_replacement",
        by=by,
        public_note=note,
        email_event="repair_finished",
    )


@transaction.atomic
def resolve_refund(*, order: RepairOrder, by, note: str = "") -> RepairOrder:
    return _move(
        order=order,
        transition="resolve_refund",
        by=by,
        public_note=note,
        email_event="order_refunded",
    )


@transaction.atomic
def ship_back(*, order: RepairOrder, carrier: str, tracking_number: str, by) -> RepairOrder:
    order, event = _move_with_event(order=order, transition="ship_back", by=by)
    Shipment.objects.create(
        repair_order=order,
        direction=Shipment.Direction.OUTBOUND,
        carrier=carrier,
        tracking_number=tracking_number,
    )
    # Queued after the shipment exists so the e-mail carries its tracking number.
    emails.queue_order_email(order=order, event="shipped_back", status_event=event)
    return order


@transaction.atomic
def confirm_delivery(*, order: RepairOrder, by, note: str = "") -> RepairOrder:
    return _move(
        order=order,
        transition="confirm_delivery",
        by=by,
        public_note=note,
        email_event="delivered",
        delivered_at=timezone.now(),
    )


@transaction.atomic
def cancel_order(*, order: RepairOrder, reason: str, by) -> RepairOrder:
    return _move(
        order=order,
        transition="cancel",
        by=by,
        public_note=reason,
        email_event="order_cancelled",
        reason=reason,
    )
