"""Support gives an order to a technician of its center (or to nobody) from the admin's
order page: the workbench's form and service (`repairs.services.change_order_technician`),
with the state the page showed."""

from django import forms
from django.utils.translation import gettext as _

from repairs import services
from repairs.forms import OwnerForm, shown_technician_id
from repairs.models import RepairOrder

OWNER = "technician"  # the form's prefix and the URL's last part


class SupportOwnerForm(OwnerForm):
    from_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, order: RepairOrder, **kwargs):
        super().__init__(*args, service_center_id=order.service_center_id, **kwargs)
        self.fields["technician"].label = _("Responsible technician")


def may_change_owner(*, order: RepairOrder, user) -> bool:
    return not order.is_final and services.is_support(user)


def initial(order: RepairOrder) -> dict:
    return {"technician": order.technician_id, "shown_technician": order.technician_id or ""}


def change_owner(*, order: RepairOrder, data: dict, by) -> str:
    """Run the service with the form's cleaned `data`; the message for support (Stale,
    PermissionDenied and ValidationError go to the caller, as the other actions')."""
    technician = data["technician"]
    shown = data["shown_technician"]
    order = services.change_order_technician(
        order=order,
        technician=technician,
        by=by,
        shown_technician_id=shown_technician_id(shown),
    )
    if technician is None:
        return _("Nobody has order %(number)s now.") % {"number": order.display_number}
    return _("Order %(number)s is given to %(name)s") % {
        "number": order.display_number,
        "name": technician.short_name,
    }
