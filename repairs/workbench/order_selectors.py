"""Reads for the workbench's order page and return slip: one order, fully, in fixed queries.

Everything is loaded up front (joins for the one-to-one rows, one prefetch per list), so
the page costs the same number of SQL queries with 3 history rows or 300.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from claims.models import ClaimAttachment
from repairs.history import orders_with_case
from repairs.models import RepairOrder, Resolution, Shipment, WorkLine, line_totals
from repairs.selectors import RETURNED_STATES, warranty_end_for
from repairs.services import work_lines


def orders_for_page(orders):
    """`orders` (already scoped to a center) as the workbench's order page shows them: the
    case (`orders_with_case`) and who has it (joined), one more query for the claim's
    attachments it links and one for the order's lines."""
    return (
        orders_with_case(orders)
        .select_related("technician__user")
        .prefetch_related("claim__attachments", "work_lines")
    )


def line_rows_for(order: RepairOrder, stage: str) -> list[dict]:
    """The rows a lines form starts from: the order's lines of that stage; the work done of
    a paid repair starts from the accepted estimate (what the customer agreed to pay for).
    From the prefetched lines: no query."""
    lines = work_lines.lines_of(order, stage)
    if not lines and stage == WorkLine.Stage.DONE and order.resolution == Resolution.PAID_REPAIR:
        lines = work_lines.lines_of(order, WorkLine.Stage.ESTIMATE)
    return [
        {
            "kind": line.kind,
            "description": line.description,
            "part_number": line.part_number,
            # «1», not «1,00»: whole quantities as the technician typed them
            "quantity": line.quantity.to_integral()
            if line.quantity == line.quantity.to_integral()
            else line.quantity,
            "unit_price": line.unit_price,
        }
        for line in lines
    ]


def orders_for_slip(orders):
    return orders.select_related("claim", "service_center").prefetch_related(
        "shipments", "work_lines"
    )


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


# --- Shipments and the warranty after the return ----------------------------------------


def shipment_of(order: RepairOrder, direction: str) -> Shipment | None:
    """From the prefetched shipments: no query."""
    return next((s for s in order.shipments.all() if s.direction == direction), None)


@dataclass(frozen=True)
class ReturnSlip:
    order: RepairOrder
    shipment: Shipment
    shipped_date: datetime.date
    warranty_end_date: datetime.date | None
    done_lines: list[WorkLine] = field(default_factory=list)

    @property
    def done_totals(self):
        return line_totals(self.done_lines)

    @property
    def shows_prices(self) -> bool:
        """The customer's paper: prices for a paid repair only; a warranty customer pays
        nothing, and DREAME's prices for the center are not his business."""
        return self.order.resolution == Resolution.PAID_REPAIR


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
        warranty_end_date=warranty_end_for(order=order, shipped_at=shipment.created_at),
        done_lines=work_lines.lines_of(order, WorkLine.Stage.DONE),
    )
