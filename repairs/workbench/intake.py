"""The intake act: receiving a parcel, the printable act with its stub, its PDF, its photos.

Every view loads the order through `get_order` (another center's order is a 404) and
receiving is the step table's `receive`, run by `repairs.steps.run_step`: a second submit
of the same form finds the order received and writes no second act.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from claims.files import private_file_response
from dreame_service.kit.formats import format_date
from dreame_service.kit.fsm import Actor, Stale
from repairs import documents, steps
from repairs.models import RECEIVABLE_STATES, IntakePhoto
from repairs.workbench.access import center_orders, get_order, technician_required
from repairs.workbench.intake_forms import IntakeForm, checklist_items


@technician_required
@require_http_methods(["GET", "POST"])
def receive(request, pk):
    order = _load(request, pk)
    if order.status not in RECEIVABLE_STATES:
        return _not_receivable(request, order)
    claim = order.claim
    checklist = checklist_items(category_id=claim.product.category_id if claim.product else None)
    has_parcel = documents.inbound_parcel(order) is not None
    if request.method == "GET":
        form = IntakeForm(claim=claim, checklist=checklist, has_parcel=has_parcel)
        return _intake_page(request, order, form)

    form = IntakeForm(
        request.POST, request.FILES, claim=claim, checklist=checklist, has_parcel=has_parcel
    )
    if not form.is_valid():
        return _intake_page(request, order, form)
    try:
        order, _event = steps.run_step(
            order,
            steps.INTAKE,
            actor=Actor.TECHNICIAN,
            by=request.user,
            values={
                "act_data": form.act_data(),
                "photos": form.cleaned_data["photos"],
                **form.notes(),
            },
            shown={"status": order.status},
        )
    except Stale:
        # Received meanwhile: by a double click, the back button or a colleague.
        return _not_receivable(request, _load(request, pk))
    messages.success(request, received_message(order, received_by_post=form.is_received_by_post))
    return redirect("workbench:act", pk=order.pk)


def received_message(order, *, received_by_post: bool) -> str:
    """A posted product's customer is not at the counter: the stub travels, by e-mail now
    and printed in the return parcel."""
    if received_by_post:
        text = _(
            "Order %(number)s is received, and the customer is e-mailed the act with its "
            "stub. Print the act for your file, and put the printed stub into the return parcel."
        )
    else:
        text = _(
            "Order %(number)s is received, and the customer is e-mailed the act. Print it "
            "for your file and give the stub to the customer."
        )
    return text % {"number": order.display_number}


def _load(request, pk):
    return get_order(
        request,
        pk,
        queryset=center_orders(request).select_related(
            "claim__product", "service_center", "intake_act__received_by"
        ),
    )


def _intake_page(request, order, form):
    return render(
        request,
        "repairs/workbench/intake.html",
        {"order": order, "claim": order.claim, "form": form},
    )


def _not_receivable(request, order):
    if _has_act(order):
        messages.info(
            request,
            _("Order %(number)s was already received on %(date)s: this is its act.")
            % {"number": order.display_number, "date": format_date(order.intake_date)},
        )
        return redirect("workbench:act", pk=order.pk)
    return render(
        request,
        "repairs/workbench/intake.html",
        {"order": order, "claim": order.claim, "blocked": True},
        status=409,
    )


def _has_act(order) -> bool:
    return hasattr(order, "intake_act")  # select_related: no query either way


# --- The printable act and its PDF ------------------------------------------------------


# The read-only views check the order before the method: another center's order answers
# 404 to a POST too, never a 405 that would differ from a missing one's answer.


@technician_required
def act_page(request, pk):
    order = _load(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if not _has_act(order):
        return _no_act_yet(request, order)
    return _act_page(request, order)


@technician_required
def act_pdf(request, pk):
    order = _load(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if not _has_act(order):
        return _no_act_yet(request, order)
    if reason := documents.pdf_unavailable_reason():
        return _act_page(request, order, pdf_problem=reason, status=503)
    language = documents.act_language(request, order)
    pdf = documents.act_pdf(order=order, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"act-{order.display_number}-{language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _no_act_yet(request, order):
    if order.status not in RECEIVABLE_STATES:
        raise Http404
    messages.info(request, _("This order has no intake act yet: receive the product first."))
    return redirect("workbench:receive", pk=order.pk)


def _act_page(request, order, *, pdf_problem: str = "", status: int = 200):
    context = {
        **documents.act_sheet_context(request, order),
        "act_languages": documents.ACT_LANGUAGES,
        "photos": list(order.intake_act.photos.all()),
        "pdf_problem": pdf_problem,
    }
    return render(request, "repairs/workbench/act_page.html", context, status=status)


# --- Photos --------------------------------------------------------------------------


@technician_required
def photo(request, pk):
    found = (
        IntakePhoto.objects.filter(
            pk=pk,
            intake_act__repair_order__service_center_id=request.technician.service_center_id,
        )
        .select_related("intake_act__repair_order")
        .first()
    )
    if found is None:
        raise Http404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    order = found.intake_act.repair_order
    try:
        return private_file_response(
            found.file, filename_stem=f"{order.order_number}-photo-{found.pk}"
        )
    except FileNotFoundError as error:
        raise Http404 from error


@technician_required
def signature(request, pk):
    """The customer's signature as its file, for the center's own orders only (the act's
    pages carry it inline); storage gives it no public URL."""
    order = _load(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    act = getattr(order, "intake_act", None)
    if act is None or not act.signature:
        raise Http404
    try:
        return private_file_response(act.signature, filename_stem=f"{order.order_number}-signature")
    except FileNotFoundError as error:
        raise Http404 from error
