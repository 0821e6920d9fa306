"""Reads for the workbench's order page and return slip: one order, fully, in fixed queries.

Everything is loaded up front (joins for the one-to-one rows, one prefetch per list), so
the page costs the same number of SQL queries with 3 history rows or 300.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models import ClaimAttachment, ClaimStatus, StatusEvent
from claims.transitions import CLAIM_TRANSITIONS
from repairs.models import OrderStatus, RepairOrder, Shipment
from repairs.selectors import warranty_end_for
from repairs.transitions import ORDER_TRANSITIONS, OrderTransition

RECEIVE = "receive"  # a page of its own (the intake act), not a button here
RETURNED_STATES = (OrderStatus.SHIPPED, OrderStatus.DELIVERED)

# History rows that are not transitions of either table.
OTHER_STEPS = {
    "submit": _("Claim submitted"),
    "create": _("Repair order opened"),
    "note": _("Note"),
    "reassign": _("Moved to another service center"),
}
# Who acts without a user account: the customer on the public pages.
CUSTOMER_STEPS = {"submit", "supplement", "withdraw"}
STATUS_UPDATED = _("Status updated")  # a code no table knows yet still shows no raw code


def orders_for_page(orders):
    """`orders` (already scoped to a center) with all the order page shows, joined or
    prefetched: order+claim+center+act+act author in one query, then one query each for
    the claim's attachments, the act's photos, the history (with authors) and shipments."""
    return orders.select_related(
        "claim", "service_center", "intake_act", "intake_act__received_by"
    ).prefetch_related(
        "claim__attachments",
        "intake_act__photos",
        Prefetch(
            "claim__status_events",
            queryset=StatusEvent.objects.select_related("by").order_by("-created_at", "-pk"),
            to_attr="history",
        ),
        "shipments",
    )


def orders_for_slip(orders):
    return orders.select_related("claim", "service_center").prefetch_related("shipments")


def attachment_of_center(*, service_center_id: int, pk: int) -> ClaimAttachment | None:
    """A claim's attachment, only if the claim's order is at this center."""
    return (
        ClaimAttachment.objects.filter(
            pk=pk, claim__repair_order__service_center_id=service_center_id
        )
        .only("pk", "claim_id", "file")
        .first()
    )


def intake_act_of(order: RepairOrder):
    """The order's intake act (joined by `orders_for_page`), or None before intake."""
    try:
        return order.intake_act
    except RepairOrder.intake_act.RelatedObjectDoesNotExist:
        return None


# --- Who may do what now -------------------------------------------------------------


def allowed_transition_names(*, order: RepairOrder, user) -> set[str]:
    """Transitions legal from the order's state that this user may make (django-fsm)."""
    return {t.name for t in order.get_available_user_status_transitions(user)}


def step_transitions(*, allowed: set[str]) -> list[OrderTransition]:
    """The allowed rows of the table, in its order, without `receive` (a link, not a form)."""
    return [row for name, row in ORDER_TRANSITIONS.items() if name in allowed and name != RECEIVE]


# --- The history -----------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    is_order: bool
    what: str
    from_label: str
    to_label: str
    at: datetime.datetime
    at_text: str
    who: str
    public_note: str
    internal_note: str
    is_move: bool  # False for a note: the state stayed


def _status_label(code: str, *, is_order: bool) -> str:
    if not code:
        return ""
    labels = dict(OrderStatus.choices if is_order else ClaimStatus.choices)
    return str(labels.get(code, STATUS_UPDATED))


def _step_label(name: str, *, is_order: bool) -> str:
    table = ORDER_TRANSITIONS if is_order else CLAIM_TRANSITIONS
    if name in table:
        return str(table[name].label)
    return str(OTHER_STEPS.get(name, STATUS_UPDATED))


def _who(event: StatusEvent) -> str:
    if event.by is not None:
        return event.by.get_full_name() or event.by.get_username()
    return str(_("Customer") if event.transition in CUSTOMER_STEPS else _("System"))


def history_of(order: RepairOrder) -> list[HistoryRow]:
    """The claim's and the order's history, newest first, in words (never raw codes)."""
    local = timezone.get_default_timezone()  # Asia/Almaty, whatever a request activated
    rows = []
    for event in order.claim.history:
        is_order = event.subject == StatusEvent.Subject.ORDER
        at = timezone.localtime(event.created_at, timezone=local)
        rows.append(
            HistoryRow(
                is_order=is_order,
                what=_step_label(event.transition, is_order=is_order),
                from_label=_status_label(event.from_status, is_order=is_order),
                to_label=_status_label(event.to_status, is_order=is_order),
                at=at,
                at_text=at.strftime("%d.%m.%Y %H:%M"),
                who=_who(event),
                public_note=event.public_note,
                internal_note=event.internal_note,
                is_move=event.from_status != event.to_status,
            )
        )
    return rows


# --- Shipments and the warranty after the return ----------------------------------------


def shipment_of(order: RepairOrder, direction: str) -> Shipment | None:
    """From the prefetched shipments: no query."""
    return next((s for s in order.shipments.all() if s.direction == direction), None)


def today() -> datetime.date:
    return timezone.localdate(timezone=timezone.get_default_timezone())


@dataclass(frozen=True)
class ReturnSlip:
    order: RepairOrder
    shipment: Shipment
    shipped_date: datetime.date
    warranty_end_date: datetime.date | None


def return_slip_for(order: RepairOrder) -> ReturnSlip | None:
    """What the return slip prints, or None before the product is shipped back."""
    shipment = shipment_of(order, Shipment.Direction.OUTBOUND)
    if order.status not in RETURNED_STATES or shipment is None:
        return None
    shipped_date = timezone.localdate(shipment.created_at, timezone=timezone.get_default_timezone())
    return ReturnSlip(
        order=order,
        shipment=shipment,
        shipped_date=shipped_date,
        warranty_end_date=warranty_end_for(order=order, returned_date=shipped_date),
    )
