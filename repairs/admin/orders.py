"""Support's repair orders: a read-mostly page, and the four things support does to one.

The change page shows the order as the workbench does (the case's timeline, the intake act
with its photos, shipments, what the repair recorded), every field read-only. Four small
forms POST to URLs of this admin: register the customer's parcel, move the order to another
center, change the final verdict (with a reason, as the technician can), cancel it. Each
calls the service every other caller uses; the two steps go through
`repairs.steps.run_step` as support, with the state the page showed, so a stale page
(another agent or the technician moved the order since) changes nothing.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.files import private_file_response
from dreame_service.kit.fsm import Actor, Stale
from repairs import selectors, services, states, steps
from repairs.admin import order_owner
from repairs.admin.common import active_centers
from repairs.admin.order_list import OrderListMixin
from repairs.documents import act_sheet_context
from repairs.history import act_facts, case_history, orders_with_case
from repairs.models import (
    REASSIGN_PERMISSION,
    IntakeAct,
    IntakePhoto,
    RepairOrder,
)
from repairs.step_forms import (
    VERDICT_PREFIX,
    StepForm,
    VerdictChangeForm,
    step_form,
    text_field,
)

MOVE = "move"
VERDICT = VERDICT_PREFIX  # the verdict form's own prefix, as on the workbench
REASON_MAX = 500  # why an order moves: a sentence or two for the history, not a letter
ACT_TEMPLATE = "admin/repairs/repairorder/act_page.html"
# Django 6.1's default "- Select an option -" has no Russian or Kazakh translation yet.
CHOOSE_CENTER = gettext_lazy("Choose a service center")
# --- The forms: the workbench's fields and checks, with the state the page showed ------


class _PageForm(StepForm):
    """What every action's form adds: the state the page showed."""

    from_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, order: RepairOrder, **kwargs):
        super().__init__(*args, **kwargs)


class MoveForm(_PageForm):
    """Another active center and why; the reason goes into the history only."""

    service_center = forms.ModelChoiceField(
        label=gettext_lazy("New service center"),
        queryset=active_centers(),
        empty_label=CHOOSE_CENTER,
    )
    reason = text_field(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("Staff only: it goes into the history."),
        max_length=REASON_MAX,
        rows=2,
    )
    from_center = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, order: RepairOrder, **kwargs):
        super().__init__(*args, order=order, **kwargs)
        centers = active_centers().exclude(pk=order.service_center_id)
        service_center = self.fields["service_center"]
        assert isinstance(service_center, forms.ModelChoiceField)
        service_center.queryset = centers


class ReassignActionForm(ActionForm):
    """The list's action bar, with what the bulk move needs."""

    service_center = forms.ModelChoiceField(
        label=gettext_lazy("New service center"),
        queryset=active_centers(),
        required=False,
        empty_label=CHOOSE_CENTER,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=REASON_MAX, required=False)


@dataclass(frozen=True)
class SupportAction:
    name: str  # the form's prefix, the URL's last part
    label: Promise  # the button
    form_class: Callable[..., forms.Form]  # a form class that takes the `order`
    step: str = ""  # its row of the step table; none for the move and the verdict


def _step_action(name: str, label, step: str) -> SupportAction:
    """A support step: the technician's form for its row (same fields, same limits), with
    the state the page showed."""
    return SupportAction(name, label, step_form(steps.ORDER_STEPS[step], base=_PageForm), step)


ACTIONS = {
    action.name: action
    for action in [
        _step_action(
            "register-parcel", gettext_lazy("Register the customer's parcel"), "register_shipment"
        ),
        SupportAction(MOVE, gettext_lazy("Move to another service center"), MoveForm),
        SupportAction(VERDICT, gettext_lazy("Change the final verdict"), VerdictChangeForm),
        SupportAction(
            order_owner.OWNER,
            gettext_lazy("Change the responsible technician"),
            order_owner.SupportOwnerForm,
        ),
        _step_action("cancel", gettext_lazy("Cancel the order"), "cancel"),
    ]
}


def _offered(*, order: RepairOrder, user) -> list[SupportAction]:
    """The actions this user may take on the order in its state now, in the page's order."""
    offered = {
        step.name for step in steps.offered_steps(order=order, actor=Actor.SUPPORT, user=user)
    }

    def may(action: SupportAction) -> bool:
        if action.name == MOVE:  # support's own service, no transition
            return not order.is_final and user.has_perm(REASSIGN_PERMISSION)
        if action.name == VERDICT:  # after intake, until the remedy is chosen
            return services.may_change_verdict(user=user, order=order) and _has_act(order)
        if action.name == order_owner.OWNER:
            return order_owner.may_change_owner(order=order, user=user)
        return action.step in offered

    return [action for action in ACTIONS.values() if may(action)]


def _has_act(order: RepairOrder) -> bool:
    return getattr(order, "intake_act", None) is not None


def _carry_out(action: SupportAction, *, order: RepairOrder, data: dict, by) -> str:
    """Run the action's service; returns the message for the user."""
    if action.name == order_owner.OWNER:
        return order_owner.change_owner(order=order, data=data, by=by)
    if action.name == VERDICT:
        act = services.change_final_verdict(
            order=order,
            verdict=data["verdict"],
            reason=data["reason"],
            by=by,
            shown={"status": data["from_status"]},
            shown_verdict=data["from_verdict"],
        )
        return _("The final verdict is now “%(verdict)s”; the reason is in the history.") % {
            "verdict": act.get_final_verdict_display()
        }
    if action.name == MOVE:
        center = data["service_center"]
        order = services.reassign_order(
            order=order,
            service_center=center,
            reason=data["reason"],
            by=by,
            expected_status=data["from_status"],
            expected_center_id=data["from_center"],
        )
        return _(
            "Order %(number)s is moved to %(center)s. The customer gets the new address by e-mail."
        ) % {"number": order.display_number, "center": center}
    order, _event = steps.run_step(
        order,
        action.step,
        actor=Actor.SUPPORT,
        by=by,
        values=data,
        shown={"status": data["from_status"]},
    )
    return steps.order_done_message(step=steps.ORDER_STEPS[action.step], order=order)


def _blank(action: SupportAction, order: RepairOrder) -> forms.Form:
    """The action's form as the page shows it, with the state (center, verdict) it shows."""
    initial = {"from_status": order.status, "from_center": order.service_center_id}
    if action.name == VERDICT:
        initial["from_verdict"] = order.verdict_in_force
    if action.name == order_owner.OWNER:
        initial.update(order_owner.initial(order))
    return action.form_class(prefix=action.name, order=order, initial=initial)


# The page's hidden fields: an error there means a stale or altered page, not a typing slip.
SHOWN_STATE = {"from_status", "from_center", "from_verdict"}


def _not_allowed_message(action: SupportAction) -> str:
    if action.name == VERDICT:  # the workbench's words: the state closed the change
        return _(
            "The verdict can be changed only until the remedy is chosen: after intake "
            "and during diagnostics."
        )
    return _("You may not make this step on this order.")


@admin.register(RepairOrder)
class RepairOrderAdmin(OrderListMixin, admin.ModelAdmin):
    # The list (columns, filters, search, paging) is OrderListMixin's: nothing of it here,
    # since this class's attributes would override the mixin's.
    action_form = ReassignActionForm
    actions = ["reassign"]
    change_form_template = "admin/repairs/repairorder/change_form.html"

    # --- The change page: read-only, in fixed queries -------------------------------

    def has_add_permission(self, request):
        return False  # orders are opened by approving a claim

    def has_change_permission(self, request, obj=None):
        # Every field is a transition's or a service's to write: the page only shows them.
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # an order is part of the case's history; it is cancelled, not deleted

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": []})]  # no form fields: the template shows the order

    def get_object(self, request, object_id, from_field=None):
        # Not get_queryset(): the list's annotations are no use here, the page's joins are.
        try:
            return self.page_queryset().get(pk=int(object_id))
        except (ValueError, RepairOrder.DoesNotExist):
            return None

    @staticmethod
    def page_queryset():
        """The workbench's order page's reads, without the claim's attachments (this page
        does not list them): order, claim, center, act and its author in one query; then one
        each for the act's photos, the case's history (with authors), the shipments and
        the order's lines."""
        return (
            orders_with_case(RepairOrder.objects)
            .select_related("technician__user")
            .prefetch_related("work_lines")
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self._page_context(request, obj, bound=context.get("bound_action")))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _page_context(self, request, order: RepairOrder, *, bound=None) -> dict:
        claim = order.claim
        act = getattr(order, "intake_act", None)  # joined: no query either way
        bound_name, bound_form = bound or ("", None)
        actions = [
            {
                "name": action.name,
                "label": action.label,
                "url": reverse(f"admin:{self.url_name(action.name)}", args=[order.pk]),
                "form": bound_form if action.name == bound_name else _blank(action, order),
            }
            for action in _offered(order=order, user=request.user)
        ]
        return {
            "title": _("Repair order %(number)s") % {"number": order.display_number},
            "subtitle": None,
            "order": order,
            "claim": claim,
            "claim_url": reverse("admin:claims_claim_change", args=[claim.pk]),
            "state_tone": states.tone(order.status),
            "act": act,
            **act_facts(act, declared_serial=claim.serial_number),
            "photos": [
                (photo, reverse(f"admin:{self.url_name('photo')}", args=[order.pk, photo.pk]))
                for photo in (act.photos.all() if act else [])
            ],
            "act_links": [
                (code, name, reverse(f"admin:{self.url_name('act')}", args=[order.pk]))
                for code, name in settings.LANGUAGES
            ],
            "shipments": order.shipments.all(),
            **selectors.line_tables(order),
            "history": case_history(claim),
            "support_actions": actions,
            "owner_name": services.technician_name(order.technician),
        }

    # --- Its own URLs: the photo, the act, the three actions ------------------------

    def url_name(self, name: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{name}"

    def get_urls(self):
        def view(route, func, name):
            return path(route, self.admin_site.admin_view(func), name=self.url_name(name))

        return [
            view("<int:pk>/photo/<int:photo_pk>/", self.photo_view, "photo"),
            view("<int:pk>/act/", self.act_view, "act"),
            *[
                view(f"<int:pk>/{name}/", partial(self.action_view, action=action), name)
                for name, action in ACTIONS.items()
            ],
            *super().get_urls(),
        ]

    def _viewable_order(self, request, pk: int, *related: str) -> RepairOrder:
        if not self.has_view_permission(request):
            raise PermissionDenied
        orders = RepairOrder.objects.select_related(*related) if related else RepairOrder.objects
        order = orders.filter(pk=pk).first()
        if order is None:
            raise Http404
        return order

    def photo_view(self, request, pk, photo_pk):
        """An intake photo, for staff who may see orders (the file has no public URL)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        photo = IntakePhoto.objects.filter(pk=photo_pk, intake_act__repair_order_id=pk).first()
        if photo is None:
            raise Http404
        try:
            return private_file_response(photo.file, filename_stem=f"order-{pk}-photo-{photo.pk}")
        except FileNotFoundError as error:
            raise Http404 from error  # the row outlived its file: nothing to show, not a 500

    def act_view(self, request, pk):
        """The printable act with its stub (the workbench's act page is for technicians)."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        order = self._viewable_order(
            request, pk, "claim", "service_center", "intake_act__received_by"
        )
        if getattr(order, "intake_act", None) is None:
            raise Http404
        return render(request, ACT_TEMPLATE, act_sheet_context(request, order))

    def action_view(self, request, pk, *, action: SupportAction):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        order = self._viewable_order(request, pk)
        back = redirect(f"admin:{self.url_name('change')}", order.pk)
        form = action.form_class(request.POST, prefix=action.name, order=order)
        if not form.is_valid() and form.errors.keys() & SHOWN_STATE:
            messages.error(request, steps.stale_order_message(order))  # not what was typed
            return back
        if not form.is_valid():
            messages.error(request, _("Check the fields of “%(step)s”.") % {"step": action.label})
            return self._page_with_form(request, order, action.name, form)
        try:
            done = _carry_out(action, order=order, data=form.cleaned_data, by=request.user)
        except Stale:
            messages.error(request, steps.stale_order_message(order))
        except PermissionDenied:
            messages.error(request, _not_allowed_message(action))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
        return back

    def _page_with_form(self, request, order: RepairOrder, name: str, form):
        """The order's page again, with the refused form as it was typed and its errors."""
        page_request = copy.copy(request)
        page_request.method = "GET"  # a view of the page, not a save of the admin form
        response = self.change_view(
            page_request, str(order.pk), extra_context={"bound_action": (name, form)}
        )
        response.status_code = 400
        return response

    # --- The list's bulk move (one reason for a batch from a closed center) ----------

    @admin.action(
        description=gettext_lazy("Move to another service center"), permissions=["reassign"]
    )
    def reassign(self, request, queryset):
        center = active_centers().filter(pk=request.POST.get("service_center") or None).first()
        reason = (request.POST.get("reason") or "").strip()
        if center is None or not reason:
            self.message_user(
                request, _("Choose the new service center and write why."), messages.ERROR
            )
            return
        moved = 0
        for order in queryset.order_by("pk"):
            try:
                services.reassign_order(
                    order=order, service_center=center, reason=reason, by=request.user
                )
                moved += 1
            except (Stale, PermissionDenied, ValidationError):
                self.message_user(
                    request,
                    _("Order %(number)s cannot be moved to that center.")
                    % {"number": order.display_number},
                    messages.WARNING,
                )
        if moved:
            self.message_user(request, _("Moved: %(count)d.") % {"count": moved}, messages.SUCCESS)

    def has_reassign_permission(self, request):
        return request.user.has_perm(REASSIGN_PERMISSION)


@admin.register(IntakeAct)
class IntakeActAdmin(admin.ModelAdmin):
    list_display = ["repair_order", "received_by", "created_at", "final_verdict"]
    list_select_related = ["repair_order", "received_by"]

    def has_add_permission(self, request):
        return False
