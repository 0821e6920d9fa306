"""The one move path of a repair order, who may make which move, and the writes beside it.

Every state change of an order goes through `move_order`: lock the row, check the user's
right and scope, run the transition (which raises `TransitionNotAllowed` when the move is
illegal), save, write one StatusEvent and queue the customer's e-mail, in one transaction.
"""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims import services as claim_services
from claims.models import Claim, StatusEvent
from dreame_service.fsm import apply_transition
from repairs import emails, order_numbers, public_status
from repairs.models import (
    REASSIGN_PERMISSION,
    WORK_PERMISSION,
    RepairOrder,
    ServiceCenter,
)

ORDER_NUMBER_ATTEMPTS = 5
ORDER = StatusEvent.Subject.ORDER
SUPPORT_PERMISSION = "repairs.support_order"
# What support may do to any center's order, as the customer tells it by phone or e-mail:
# the parcel is sent, or the repair is no longer wanted. The rest is the technician's.
SUPPORT_TRANSITIONS = frozenset({"register_shipment", "cancel"})


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


def can_support_move(*, user, transition: str) -> bool:
    """Support registers the customer's parcel and cancels, on any center's order."""
    return (
        user is not None
        and user.is_active
        and transition in SUPPORT_TRANSITIONS
        and user.has_perm(SUPPORT_PERMISSION)
    )


def can_move(*, user, order: RepairOrder, transition: str) -> bool:
    """May `user` make this transition on this order (whatever its state now)?"""
    return can_work_on(user=user, order=order) or can_support_move(user=user, transition=transition)


def _permission_subject(*, by, order: RepairOrder, transition: str):
    """The user django-fsm checks the transition's own permission for, or PermissionDenied.

    The transitions declare the technicians' permission; a technician (and the system,
    `None`) is checked against it as well. Support's right to SUPPORT_TRANSITIONS is its own
    permission, checked here, so django-fsm gets no user to check for that path.
    """
    if by is None or can_work_on(user=by, order=order):
        return by
    if can_support_move(user=by, transition=transition):
        return None
    raise PermissionDenied


def _record(*, order: RepairOrder, **fields) -> StatusEvent:
    return claim_services.record_status_event(claim=order.claim, subject=ORDER, **fields)


def _check_center_accepts(service_center: ServiceCenter) -> None:
    if not service_center.is_active:
        raise ValidationError(
            _("This service center does not accept repairs now."), code="inactive_center"
        )


@transaction.atomic
def approve_claim_and_open_order(*, claim: Claim, service_center: ServiceCenter, by) -> RepairOrder:
    """Support's approval: the claim is approved, its repair order opened at the center,
    the customer is e-mailed where to send the product and the center what is coming.
    Returns the new order."""
    _check_center_accepts(service_center)
    claim = claim_services.approve_claim(claim=claim, by=by)
    order, opened = _open_order(claim=claim, service_center=service_center, by=by)
    emails.queue_approval_email(order=order, status_event=opened)
    emails.queue_center_email(order=order, status_event=opened)
    return order


def _open_order(
    *, claim: Claim, service_center: ServiceCenter, by
) -> tuple[RepairOrder, StatusEvent]:
    """The order for an approved claim, under a fresh random order number."""
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
        event = _record(
            order=order, transition="create", from_status="", to_status=order.status, by=by
        )
        return order, event
    raise RuntimeError("Could not draw a free order number")


def _lock(order: RepairOrder) -> RepairOrder:
    # Lock first: two technicians may press the same button at once; the second then
    # sees the new state and its transition is refused instead of silently repeated.
    return (
        RepairOrder.objects.select_related("claim", "service_center")
        .select_for_update(of=("self",))
        .get(pk=order.pk)
    )


def _forget_public_answer(order: RepairOrder) -> None:
    # The public status page caches its answer; it must not outlive this change.
    transaction.on_commit(
        partial(
            public_status.forget, order_number=order.order_number, intake_date=order.intake_date
        )
    )


def move_order(
    *,
    order: RepairOrder,
    transition: str,
    by,
    by_customer: bool = False,
    public_note: str = "",
    internal_note: str = "",
    email_event: str | None = None,
    **kwargs,
) -> tuple[RepairOrder, StatusEvent]:
    """Lock, check, transition, save, log, notify: the one path every order change takes.

    `by_customer`: the customer moved it through «Мой ремонт» (`by` is then None; the
    services of repairs.services.customer decide what the customer may do).
    """
    order = _lock(order)
    checked_as = _permission_subject(by=by, order=order, transition=transition)
    # Every move enters a new state; if the transition is refused nothing is saved.
    order.state_entered_at = timezone.now()
    from_status = apply_transition(instance=order, transition=transition, by=checked_as, **kwargs)
    event = _record(
        order=order,
        transition=transition,
        from_status=from_status,
        to_status=order.status,
        by=by,
        by_customer=by_customer,
        public_note=public_note,
        internal_note=internal_note,
    )
    _forget_public_answer(order)
    if order.is_final:
        # The claim is done too; through its own path, with its lock and its check.
        order.claim = claim_services.close_claim(claim=order.claim, by=by)
    if email_event:
        emails.queue_order_email(order=order, event=email_event, status_event=event)
    return order, event


@transaction.atomic
def add_order_note(*, order: RepairOrder, by, public_note: str = "", internal_note: str = ""):
    """A note on the order's history without a move (the customer sees only a public one)."""
    order = _lock(order)
    if not can_work_on(user=by, order=order):
        raise PermissionDenied
    _forget_public_answer(order)
    return _record(
        order=order,
        transition="note",
        from_status=order.status,
        to_status=order.status,
        by=by,
        public_note=public_note,
        internal_note=internal_note,
    )


@transaction.atomic
def reassign_order(
    *,
    order: RepairOrder,
    service_center: ServiceCenter,
    reason: str,
    by,
    expected_status: str | None = None,
    expected_center_id: int | None = None,
):
    """Move an open order to another center (the first one closed or is overloaded).

    Support only; the history says from which center to which and why, and the customer
    gets the new center's contacts, since that is where the product goes now. With the
    state and center a page showed, a page that went stale (another agent moved it first)
    changes nothing.
    """
    if by is None or not by.has_perm(REASSIGN_PERMISSION):
        raise PermissionDenied
    _check_center_accepts(service_center)
    order = _lock(order)
    if (expected_status is not None and order.status != expected_status) or (
        expected_center_id is not None and order.service_center_id != expected_center_id
    ):
        raise ValidationError(
            _("The order has changed meanwhile. Nothing was saved; check the page again."),
            code="order_changed",
        )
    if order.is_final or order.service_center_id == service_center.pk:
        raise ValidationError(
            _("This order cannot be moved to that service center."), code="cannot_reassign"
        )
    previous = order.service_center
    order.service_center = service_center
    order.save(update_fields=["service_center", "updated_at"])
    event = _record(
        order=order,
        transition="reassign",
        from_status=order.status,
        to_status=order.status,
        by=by,
        internal_note=f"{previous} → {service_center}: {reason}",
    )
    _forget_public_answer(order)
    emails.queue_order_email(order=order, event="order_reassigned", status_event=event)
    return order
