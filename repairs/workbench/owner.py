"""Who has the order, on the order page: «Взять себе» or give it to a colleague of the same
center (`repairs.services.change_order_technician`). POSTed to its own URL; the page then
shows the change and the history its row.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dreame_service.kit.fsm import Stale
from repairs import services
from repairs.models import RepairOrder, Technician
from repairs.workbench.access import center_orders, get_order, technician_required


def center_technicians(service_center_id: int):
    """The technicians an order of this center may be given to: one query, names joined."""
    return (
        Technician.objects.filter(service_center_id=service_center_id, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


class TechnicianChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return services.technician_name(obj)


class OwnerForm(forms.Form):
    # Another center's technician is not among the choices: a crafted POST is invalid.
    technician = TechnicianChoice(
        queryset=Technician.objects.none(),
        required=False,
        empty_label=gettext_lazy("Not assigned"),
        label=gettext_lazy("Give to a technician of the center"),
    )
    # The owner the page showed ("" for nobody): a colleague's change meanwhile is told.
    shown_technician = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, service_center_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["technician"]
        assert isinstance(field, TechnicianChoice)
        field.queryset = center_technicians(service_center_id)

    def shown_technician_id(self) -> int | None:
        shown = self.cleaned_data["shown_technician"]
        return int(shown) if shown.isdigit() else None


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
        messages.success(
            request,
            _("The order is given to %(name)s.") % {"name": services.technician_name(technician)},
        )
    return back
