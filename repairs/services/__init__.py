"""Writes on repair orders besides the steps' moves (`orders`) and the customer's own writes
through «Мой ремонт» (`customer`). Every step runs through `repairs.steps.run_step`."""

from repairs.services.orders import (
    SUPPORT_PERMISSION,
    add_order_note,
    approve_claim_and_open_order,
    can_work_on,
    change_final_verdict,
    is_support,
    may_change_verdict,
    reassign_order,
)
from repairs.services.owners import change_order_technician, technician_name

__all__ = [
    "SUPPORT_PERMISSION",
    "add_order_note",
    "approve_claim_and_open_order",
    "can_work_on",
    "change_final_verdict",
    "change_order_technician",
    "is_support",
    "may_change_verdict",
    "reassign_order",
    "technician_name",
]
