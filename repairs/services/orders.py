"""Writes on repair orders besides the steps' moves: opening an order on approval, a note,
moving it to another center; who may work on an order; and what steps do beside the move
(their rows in `repairs.steps` name them; `repairs.steps.run_step` runs every step).
"""

from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims import notes
from claims import services as claim_services
from claims.models import Claim, StatusEvent, Verdict
from claims.steps import CLAIM_STEPS, run_claim_step
from dreame_service.kit.fsm import Stale, lock_shown
from repairs import emails, order_numbers, public_status, tracking
from repairs.models import (
    REASSIGN_PERMISSION,
    WORK_PERMISSION,
    FaultCategory,
    IntakeAct,
    IntakePhoto,
    OrderStatus,
    RepairOrder,
    ServiceCenter,
    Shipment,
)

ORDER_NUMBER_ATTEMPTS = 5
ORDER = StatusEvent.Subject.ORDER
SUPPORT_PERMISSION = "repairs.support_order"


def can_work_on(*, user: User | None, order: RepairOrder) -> bool:
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


def is_support(user: User | None) -> bool:
    """Support runs its steps (the rows that name it) on any center's order."""
    return user is not None and user.is_active and user.has_perm(SUPPORT_PERMISSION)


def center_words(center: ServiceCenter) -> dict[str, str]:
    """A center's name with its city in every language, for a note read in any of them."""
    words = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            words[language] = str(center)
    return words


def check_center_accepts(service_center: ServiceCenter) -> None:
    if not service_center.is_active:
        raise ValidationError(
            _("This service center does not accept repairs now."), code="inactive_center"
        )


def open_order_on_approval(claim: Claim, event: StatusEvent, values: Mapping[str, Any]) -> None:
    """Approval's hand-off (its row in `APPROVE`): the claim's repair order opened at the
    chosen center, the customer e-mailed where to send the product, the center what comes."""
    service_center = values["service_center"]
    check_center_accepts(service_center)
    order, opened = open_order(claim=claim, service_center=service_center, by=event.by)
    emails.queue_approval_email(order=order, status_event=opened)
    emails.queue_center_email(order=order, status_event=opened)


# Support's approval: the claim's row, completed with the hand-off.
APPROVE = replace(CLAIM_STEPS["approve"], fields=("service_center",), work=open_order_on_approval)


def approve_claim_and_open_order(
    *,
    claim: Claim,
    service_center: ServiceCenter,
    by: User | None,
    shown: Mapping[str, object] | None = None,
) -> RepairOrder:
    """Approve the claim and open its repair order at `service_center`; returns the order."""
    claim, _event = run_claim_step(
        claim,
        "approve",
        by=by,
        values={"service_center": service_center},
        shown=shown,
        steps={"approve": APPROVE},
    )
    return claim.repair_order


def close_claim_of(order: RepairOrder, *, by: User | None) -> Claim:
    """An order reached a final state: its claim is done too, through the claim's runner."""
    claim, _event = run_claim_step(order.claim, "close", by=by)
    return claim


def open_order(
    *, claim: Claim, service_center: ServiceCenter, by: User | None
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
        event = record_order_event(
            order=order, transition="create", from_status="", to_status=order.status, by=by
        )
        return order, event
    raise RuntimeError("Could not draw a free order number")


def lock_order(order: RepairOrder, *, shown: Mapping[str, object] | None = None) -> RepairOrder:
    """The order locked for a change (with its claim and center), if it is still as the
    caller's page showed it; else `Stale`. Two technicians may press the same button at
    once: the second then sees the new state and is refused instead of repeating it."""
    return lock_shown(
        RepairOrder.objects.select_related("claim", "service_center"), pk=order.pk, shown=shown
    )


def forget_public_answer(order: RepairOrder) -> None:
    # The public status page caches its answer; it must not outlive this change.
    transaction.on_commit(
        partial(
            public_status.forget, order_number=order.order_number, intake_date=order.intake_date
        )
    )


def record_order_event(*, order: RepairOrder, **fields: Any) -> StatusEvent:
    """The order's row in the case's history (the claim's history holds it, DESIGN §3)."""
    return claim_services.record_status_event(claim=order.claim, subject=ORDER, **fields)


WRONG_FAULT = _(
    "This fault category is not one of this product's. Choose one from the list and send again."
)


def keep_fault(order: RepairOrder, fault: FaultCategory) -> dict[str, Any]:
    """Give the locked order the fault picked as diagnostics end (saved with the step's
    move), and return its history note. Only an active fault of the order's product
    category: any other (a crafted form, a row switched off meanwhile) is refused."""
    if not FaultCategory.offered_for(order).filter(pk=fault.pk).exists():
        raise ValidationError(WRONG_FAULT, code="wrong_fault_category")
    order.fault_category = fault
    return {"note_code": notes.FAULT_FOUND, "note_params": {"fault": fault.words()}}


# --- What steps do beside the move (their rows in repairs.steps name these) ---------------


def record_parcel(
    order: RepairOrder, event: StatusEvent, values: Mapping[str, Any], *, direction: str
) -> None:
    """The parcel a step registers, to the center or back to the customer. It exists before
    the runner queues the step's e-mail (last), which carries its tracking number."""
    parcel = tracking.normalize(
        carrier=values["carrier"], tracking_number=values["tracking_number"]
    )
    Shipment.objects.create(
        repair_order=order,
        direction=direction,
        carrier=parcel.carrier,
        tracking_number=parcel.tracking_number,
    )


def write_intake_act(order: RepairOrder, event: StatusEvent, values: Mapping[str, Any]) -> None:
    """The intake act and its photos. Its PDF (the customer's copy) is rendered after the
    commit, outside the lock, and goes with the "product received" e-mail."""
    photos = values.get("photos") or ()
    if len(photos) > IntakePhoto.MAX_PER_ACT:
        raise ValidationError(_("At most %(count)d photos.") % {"count": IntakePhoto.MAX_PER_ACT})
    assert event.by is not None  # intake is a technician's step: its row names nobody else
    act_data = {**values["act_data"]}
    # A registered parcel is how the product came, whatever the form said; nobody at the
    # counter signed for a posted product.
    if (
        act_data.get("received_by_post")
        or order.shipments.filter(direction=Shipment.Direction.INBOUND).exists()
    ):
        act_data.update(received_by_post=True, signature="")
    act = IntakeAct.objects.create(repair_order=order, received_by=event.by, **act_data)
    for photo in photos:
        IntakePhoto.objects.create(intake_act=act, file=photo)
    _owner_at_intake(order, by=event.by)


def _owner_at_intake(order: RepairOrder, *, by: User) -> None:
    """Whoever writes the act has the product in his hands: he has the order, unless a
    colleague took it before. No history row: the intake's own row names him."""
    if order.technician_id is not None:
        return
    technician = getattr(by, "technician", None)
    if technician is not None and technician.service_center_id == order.service_center_id:
        order.technician = technician
        order.save(update_fields=["technician"])


def record_awaited_part(order: RepairOrder, event: StatusEvent, values: Mapping[str, Any]) -> None:
    """The part awaited and its date, kept in the step's history row: the order page shows
    them only while the order awaits the part, the history for good."""
    part, expected = values.get("part") or "", values.get("expected_date")
    if not part:
        return
    with translation.override(settings.LANGUAGE_CODE):  # staff's record, like the act
        if expected:
            line = gettext("Spare part: %(part)s, expected by %(date)s") % {
                "part": part,
                "date": expected.strftime("%d.%m.%Y"),
            }
        else:
            line = gettext("Spare part: %(part)s") % {"part": part}
    event.internal_note = "\n".join(note for note in (event.internal_note, line) if note)
    event.save(update_fields=["internal_note"])


@transaction.atomic
def add_order_note(
    *, order: RepairOrder, by: User | None, public_note: str = "", internal_note: str = ""
) -> StatusEvent:
    """A note on the order's history without a move (the customer sees only a public one)."""
    order = lock_order(order)
    if not can_work_on(user=by, order=order):
        raise PermissionDenied
    forget_public_answer(order)
    return record_order_event(
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
    by: User | None,
    expected_status: str | None = None,
    expected_center_id: int | None = None,
) -> RepairOrder:
    """Move an open order to another center (the first one closed or is overloaded).

    Support only; the history says from which center to which and why, and the customer
    gets the new center's contacts, since that is where the product goes now. With the
    state and center a page showed, a page that went stale (another agent moved it first)
    changes nothing.
    """
    if by is None or not by.has_perm(REASSIGN_PERMISSION):
        raise PermissionDenied
    check_center_accepts(service_center)
    shown = {"status": expected_status, "service_center_id": expected_center_id}
    order = lock_order(order, shown={k: v for k, v in shown.items() if v is not None})
    if order.is_final or order.service_center_id == service_center.pk:
        raise ValidationError(
            _("This order cannot be moved to that service center."), code="cannot_reassign"
        )
    previous = order.service_center
    order.service_center = service_center
    # The technician works at the center the order leaves: the new center gives it anew.
    order.technician = None
    order.save(update_fields=["service_center", "technician", "updated_at"])
    event = record_order_event(
        order=order,
        transition="reassign",
        from_status=order.status,
        to_status=order.status,
        by=by,
        # An automatic note: the centers' names in the reader's language, the reason as typed.
        note_code=notes.ORDER_REASSIGNED,
        note_params={
            "from_center": center_words(previous),
            "to_center": center_words(service_center),
            "reason": reason,
        },
    )
    forget_public_answer(order)
    emails.queue_order_email(order=order, event="order_reassigned", status_event=event)
    return order


# Where the verdict still decides something: the remedy is chosen in diagnostics. Later the
# remedy is under way (or done) and a new verdict would change nothing but the record.
VERDICT_CHANGE_STATES = (OrderStatus.RECEIVED, OrderStatus.DIAGNOSTICS)


def may_change_verdict(*, user: User | None, order: RepairOrder) -> bool:
    return order.status in VERDICT_CHANGE_STATES and (
        can_work_on(user=user, order=order) or is_support(user)
    )


@transaction.atomic
def change_final_verdict(
    *,
    order: RepairOrder,
    verdict: str,
    reason: str,
    by: User | None,
    shown: Mapping[str, object] | None = None,
    shown_verdict: str | None = None,
) -> IntakeAct:
    """The technician (or support) replaces the intake act's final verdict, the verdict in
    force that decides which remedy steps run (`repairs.models.remedies`), with the reason.

    The act keeps the verdict in force and its reason; the history row keeps what it was
    and why it changed. The PDF the customer got at intake stays as it was handed over.
    `shown` (the status) and `shown_verdict` are what the caller's page showed: a page that
    went stale is `Stale`, never a silent overwrite of a colleague's change.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write why the verdict changes."), code="reason_required")
    if verdict not in Verdict.values:
        raise ValidationError(_("Choose one of the verdicts."), code="unknown_verdict")
    order = lock_order(order, shown=shown)
    if not may_change_verdict(user=by, order=order):
        raise PermissionDenied
    act = IntakeAct.objects.select_for_update().filter(repair_order=order).first()
    if act is None:
        raise ValidationError(
            _("The verdict is changed on the intake act: write the act first."), code="no_act"
        )
    if shown_verdict is not None and act.final_verdict != shown_verdict:
        raise Stale
    if act.final_verdict == verdict:
        raise ValidationError(_("The order already has this verdict."), code="same_verdict")
    # An automatic note, read in the reader's language (claims.notes), the reason as typed.
    # A reason given at intake stays on the act's PDF, rendered then.
    params = {"old": act.final_verdict, "new": verdict, "reason": reason}
    act.final_verdict = verdict
    act.verdict_reason = reason
    act.save(update_fields=["final_verdict", "verdict_reason"])
    record_order_event(
        order=order,
        transition="change_verdict",
        from_status=order.status,
        to_status=order.status,
        by=by,
        note_code=notes.FINAL_VERDICT_CHANGED,
        note_params=params,
    )
    return act
