"""Who has an order: its technician, one of its center's (DESIGN §8). Taken or given on the
order page (or by support in the admin), each change a history row with both names.

Intake makes the technician who writes the act the owner when nobody has the order yet
(`orders.write_intake_act`): he has the product in his hands.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from claims import notes
from repairs.models import RepairOrder, Technician
from repairs.services.orders import can_work_on, is_support, lock_order, record_order_event

CHANGE_TECHNICIAN = "change_technician"  # the history row's `transition`

# What `shown_technician_id` means when the page showed nobody (None is a real value).
NOT_SHOWN = object()


def technician_name(technician: Technician | None) -> str:
    """«Касымов Д.», as the order page and the history name the owner; "" for nobody."""
    return technician.short_name if technician is not None else ""


@transaction.atomic
def change_order_technician(
    *,
    order: RepairOrder,
    technician: Technician | None,
    by: User | None,
    shown_technician_id: object = NOT_SHOWN,
) -> RepairOrder:
    """Give the order to `technician` (None: to nobody), recorded in the history.

    A technician of the order's center or support may; the new owner must work at the
    order's center (ValidationError otherwise). `shown_technician_id` is the owner the
    caller's page showed: a colleague who changed it meanwhile makes this `Stale`.
    """
    shown = {} if shown_technician_id is NOT_SHOWN else {"technician_id": shown_technician_id}
    # Locked as the steps lock it: two technicians may press «Взять себе» at once.
    order = lock_order(order, shown=shown)
    if not (can_work_on(user=by, order=order) or is_support(by)):
        raise PermissionDenied
    if technician is not None and technician.service_center_id != order.service_center_id:
        raise ValidationError(
            _("Only a technician of the order's service center can have it."),
            code="other_center",
        )
    if order.is_final:
        raise ValidationError(_("The order is closed: it keeps its technician."), code="closed")
    if order.technician_id == (technician.pk if technician else None):
        return order  # nothing changes, nothing to record
    previous = (
        Technician.objects.select_related("user").filter(pk=order.technician_id).first()
        if order.technician_id is not None
        else None
    )
    order.technician = technician
    order.save(update_fields=["technician", "updated_at"])
    record_order_event(
        order=order,
        transition=CHANGE_TECHNICIAN,
        from_status=order.status,
        to_status=order.status,
        by=by,
        # Names as they were then (a technician may leave); "" reads «не назначен».
        note_code=notes.ORDER_OWNER_CHANGED,
        note_params={
            "old_owner": technician_name(previous),
            "new_owner": technician_name(technician),
        },
    )
    return order
