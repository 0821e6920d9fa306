"""The order page (/service/orders/<pk>/, a contract URL), its step forms, the return slip,
and the claim's files for the technician of the order's center.

A step is POSTed back to the order page with `transition` (a row of the step table,
`repairs.steps.ORDER_STEPS`) and `from_status` (the state the page showed), and run by
`run_step` as the technician; a stale page, an unknown or illegal step, or bad input gets
a message in the technician's language and changes nothing.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from claims.files import private_file_response
from dreame_service.kit.fsm import Actor, Stale, Step
from repairs import selectors as repair_selectors
from repairs import services, steps
from repairs.history import act_facts, case_history
from repairs.models import OrderStatus, RepairOrder
from repairs.selectors import warranty_end_for
from repairs.step_forms import StepForm, VerdictChangeForm, step_form
from repairs.workbench import order_selectors as selectors
from repairs.workbench import verdict
from repairs.workbench.access import center_orders, get_order, technician_required
from repairs.workbench.owner import owner_context

ORDER_TEMPLATE = "repairs/workbench/order.html"
SLIP_TEMPLATE = "repairs/workbench/return_slip.html"
STOP = "cancel"  # shown apart: it stops the repair rather than moving it on
MORE_LINES = "more_lines"  # the submit button that asks for more blank lines


@dataclass(frozen=True)
class OfferedStep:
    row: Step
    form: StepForm


@technician_required
@require_http_methods(["GET", "POST"])
def order_page(request, pk):
    if request.method == "POST":
        return _post_step(request, pk)
    return _page(request, pk)


def _page(
    request,
    pk,
    *,
    bound: StepForm | None = None,
    bound_name: str = "",
    verdict_form: VerdictChangeForm | None = None,
    status=200,
):
    order = get_order(request, pk, queryset=selectors.orders_for_page(center_orders(request)))
    user = request.user
    offered = steps.offered_steps(order=order, actor=Actor.TECHNICIAN, user=user)
    allowed = {step.name for step in offered}
    buttons = [
        OfferedStep(
            row=step,
            form=bound
            if bound is not None and step.name == bound_name
            else _blank_form(step, order),
        )
        for step in offered
        if step.name != steps.INTAKE
    ]
    act = selectors.intake_act_of(order)
    context = {
        "order": order,
        "claim": order.claim,
        "act": act,
        **act_facts(act, declared_serial=order.claim.serial_number),
        # Cancelling stops the repair: it stands apart from the next steps.
        "steps": [button for button in buttons if button.row.name != STOP],
        "stop_steps": [button for button in buttons if button.row.name == STOP],
        "stop_refused": verdict.why_not_offered(order, STOP, user=user),
        "refused_steps": verdict.refused_steps(order, user=user),
        "verdict_form": verdict_form or verdict.verdict_form_for(order, user=user),
        "verdict_title": verdict.TITLE,
        "can_receive": steps.INTAKE in allowed,
        # The awaited part is news only while the order awaits it; the history keeps it.
        "awaits_parts": bool(order.awaiting_part) and order.status == OrderStatus.AWAITING_PARTS,
        "history": case_history(order.claim),
        "shipments": order.shipments.all(),
        **repair_selectors.line_tables(order),
        "has_return_slip": selectors.return_slip_for(order) is not None,
        **owner_context(order, technician=request.technician),
    }
    if steps.RETURN in allowed:
        # If it is shipped today.
        context["ship_back_warranty_end"] = warranty_end_for(order=order, shipped_at=timezone.now())
    return render(request, ORDER_TEMPLATE, context, status=status)


def _blank_form(step: Step, order: RepairOrder) -> StepForm:
    # Prefixed: many forms on one page, unique ids. A form with lines starts from the
    # order's lines it replaces (`selectors.line_rows_for`).
    form_class = step_form(step)
    if not form_class.line_stage:
        return form_class(prefix=step.name, order=order)
    return form_class(
        prefix=step.name,
        order=order,
        line_rows=selectors.line_rows_for(order, form_class.line_stage),
    )


def _post_step(request, pk):
    order = get_order(request, pk)
    name = request.POST.get("transition", "")
    step = steps.ORDER_STEPS.get(name)
    back = redirect("workbench:order", pk=order.pk)
    if step is None or name == steps.INTAKE:
        messages.error(request, _("This step does not exist. Choose one of the buttons below."))
        return back
    if request.POST.get("from_status") != order.status:
        messages.error(request, steps.stale_order_message(order))
        return back
    if step not in steps.offered_steps(order=order, actor=Actor.TECHNICIAN, user=request.user):
        messages.error(request, _not_offered_message(order, step, user=request.user))
        return back

    form = step_form(step)(request.POST, prefix=name, order=order)
    if form.lines is not None and MORE_LINES in request.POST:
        # Not the step yet: the same form again with more blank rows, nothing lost.
        return _page(request, order.pk, bound=form.with_more_rows(), bound_name=name)
    if form.is_valid():
        try:
            order, _event = steps.run_step(
                order,
                name,
                actor=Actor.TECHNICIAN,
                by=request.user,
                values=form.cleaned_data,
                shown={"status": order.status},
            )
        except Stale:
            # A colleague moved it, or changed the verdict meanwhile: say which.
            fresh = get_order(request, pk, queryset=RepairOrder.objects.select_related("claim"))
            reason = verdict.why_not_offered(fresh, name, user=request.user)
            messages.error(request, reason or steps.stale_order_message(order))
            return back
        except PermissionDenied:
            reason = verdict.why_not_offered(order, name, user=request.user)
            messages.error(request, reason or _("You may not make this step on this order."))
            return back
        except ValidationError as error:
            form.add_error(None, error)  # the step's own check, e.g. the quote's range
        else:
            messages.success(request, steps.order_done_message(step=step, order=order))
            return back
    messages.error(request, _("Check the fields of “%(step)s”.") % {"step": step.label})
    return _page(request, order.pk, bound=form, bound_name=name, status=400)


def _not_offered_message(order: RepairOrder, step: Step, *, user) -> str:
    """Why a posted step is refused: the policy's reason when there is one."""
    return verdict.why_not_offered(order, step.name, user=user) or _(
        "“%(step)s” is not possible while the order is “%(status)s”."
    ) % {"step": step.label, "status": order.get_status_display()}


@technician_required
@require_POST
def change_verdict(request, pk):
    """The final verdict replaced, with a reason (`repairs.services.change_final_verdict`)."""
    order = get_order(request, pk, queryset=center_orders(request).select_related("claim"))
    back = redirect("workbench:order", pk=order.pk)
    form = VerdictChangeForm(request.POST, order=order)
    if not form.is_valid():
        if form.errors.keys() & {"from_status", "from_verdict"}:
            messages.error(request, steps.stale_order_message(order))
            return back
        messages.error(request, _("Check the fields of “%(step)s”.") % {"step": verdict.TITLE})
        return _page(request, order.pk, verdict_form=form, status=400)
    try:
        act = services.change_final_verdict(
            order=order,
            verdict=form.cleaned_data["verdict"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            shown={"status": form.cleaned_data["from_status"]},
            shown_verdict=form.cleaned_data["from_verdict"],
        )
    except Stale:
        messages.error(request, steps.stale_order_message(order))
        return back
    except PermissionDenied:
        messages.error(
            request,
            _(
                "The verdict can be changed only until the remedy is chosen: after intake "
                "and during diagnostics."
            ),
        )
        return back
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, order.pk, verdict_form=form, status=400)
    messages.success(
        request,
        _("The final verdict is now “%(verdict)s”; the reason is in the history.")
        % {"verdict": act.get_final_verdict_display()},
    )
    return back


# The read-only views check the order before the method: another center's order answers
# 404 to a POST too, never a 405 that would differ from a missing one's answer.


@technician_required
def return_slip(request, pk):
    order = get_order(request, pk, queryset=selectors.orders_for_slip(center_orders(request)))
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    slip = selectors.return_slip_for(order)
    if slip is None:
        raise Http404  # nothing to print before the product is shipped back
    return render(
        request,
        SLIP_TEMPLATE,
        {"slip": slip, "order": order, "claim": order.claim, "center": order.service_center},
    )


@technician_required
def receipt(request, pk):
    """The claim's receipt, for the technician of the order's center only."""
    order = get_order(request, pk, queryset=center_orders(request).select_related("claim"))
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if not order.claim.receipt:
        raise Http404
    return _file(order.claim.receipt, filename_stem=f"{order.claim.number}-receipt")


@technician_required
def attachment(request, pk):
    """A file the customer added to the claim; 404 unless its order is at this center."""
    found = selectors.attachment_of_center(
        service_center_id=request.technician.service_center_id, pk=pk
    )
    if found is None:
        raise Http404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _file(found.file, filename_stem=f"{found.claim_id}-attachment-{found.pk}")


def _file(field_file, *, filename_stem: str):
    try:
        return private_file_response(field_file, filename_stem=filename_stem)
    except FileNotFoundError as error:
        raise Http404 from error  # the row outlived its file: nothing to show, not a 500
