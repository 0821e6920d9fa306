"""Who has the order, on the order page: «Взять себе» or give it to a colleague of the same
center (`repairs.services.change_order_technician`). POSTed to its own URL; the page then
shows the change and the history its row.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dreame_service.kit.fsm import Stale
from repairs import services
from repairs.forms import OwnerForm
from repairs.models import RepairOrder, Technician
from repairs.workbench.access import center_orders, get_order, technician_required


def owner_context(order: RepairOrder, *, technician: Technician) -> dict:
    """The order page's «Ответственный» card: who has it, and the forms to change it."""
    shown = str(order.technician_id or "")
    form = OwnerForm(
        service_center_id=order.service_center_id,
        initial={"technician": order.technician_id, "shown_technician": shown},
        auto_id="owner_%s",
    )
    return {
        "owner_name": services.technician_name(order.technician),
        "owner_is_me": order.technician_id == technician.pk,
        "owner_form": form,
        "owner_shown": shown,
        "owner_open": not order.is_final,
    }


@technician_required
@require_POST
def change_technician(request, pk):
    order = get_order(request, pk, queryset=center_orders(request).select_related("claim"))
    back = redirect("workbench:order", pk=order.pk)
    form = OwnerForm(request.POST, service_center_id=order.service_center_id)
    if not form.is_valid():
        messages.error(request, _("Choose a technician of your service center from the list."))
        return back
    technician = form.cleaned_data["technician"]
    try:
        order = services.change_order_technician(
            order=order,
            technician=technician,
            by=request.user,
            shown_technician_id=form.shown_technician_id(),
        )
    except Stale:
        messages.error(
            request,
            _("A colleague changed who has this order meanwhile: see who has it now."),
        )
        return back
    except PermissionDenied:
        messages.error(request, _("You may not change who has this order."))
        return back
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    if technician is None:
        messages.success(request, _("Nobody has the order now."))
    elif technician.pk == request.technician.pk:
        messages.success(request, _("The order is yours now."))
    else:
        # No full stop of its own: the name ends with its initial's («Ермекова А.»).
        messages.success(
            request,
            _("The order is given to %(name)s") % {"name": services.technician_name(technician)},
        )
    return back
