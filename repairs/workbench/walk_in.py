"""/service/walk-in/ (DESIGN §8): a customer at the counter with no claim. One page
registers the customer, the product and the fault and writes the intake act; the next
page is the act with its stub, to print.

A second submit of the same page (a double click, the back button) finds the order the
first one made (claims.submissions' form token); the same details sent from another page (a
colleague at the next counter) are the duplicate claim `submit_claim` refuses.
"""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from claims import selectors as claim_selectors
from claims import submissions
from claims.services import DuplicateClaim
from repairs.models import RepairOrder
from repairs.services.counter import register_walk_in
from repairs.workbench.access import technician_required
from repairs.workbench.intake import received_message
from repairs.workbench.intake_forms import checklist_items
from repairs.workbench.walk_in_forms import WalkInActForm, WalkInClaimForm, provisional_claim


@technician_required
@require_http_methods(["GET", "POST"])
def walk_in(request):
    products = claim_selectors.active_product_models()
    policy = claim_selectors.warranty_policy()
    # A product typed at the counter has no category yet: the general checklist.
    checklist = checklist_items(category_id=None)
    if request.method == "GET":
        claim_form = WalkInClaimForm(
            products=products,
            initial={"form_token": uuid.uuid4().hex, "language": translation.get_language()},
        )
        act_form = WalkInActForm(
            claim=provisional_claim(claim_form, policy=policy, today=timezone.localdate()),
            checklist=checklist,
        )
        return _page(request, claim_form, act_form)

    claim_form = WalkInClaimForm(request.POST, request.FILES, products=products)
    claim_valid = claim_form.is_valid()
    act_form = WalkInActForm(
        request.POST,
        request.FILES,
        claim=provisional_claim(claim_form, policy=policy, today=timezone.localdate()),
        checklist=checklist,
        has_receipt=bool(getattr(claim_form, "cleaned_data", {}).get("receipt")),
    )
    if not (act_form.is_valid() and claim_valid):
        return _page(request, claim_form, act_form)

    token = claim_form.cleaned_data["form_token"]
    earlier = submissions.claim_of_this_form(token=token)
    if earlier:
        return _sent_before(request, number=earlier)
    repeated = claim_selectors.recent_duplicate_claim(data=claim_form.claim_data())
    try:
        if repeated is not None:  # the same details minutes ago, from another page
            raise DuplicateClaim(repeated.number)
        order = register_walk_in(
            claim_data=claim_form.claim_data(),
            act_data=act_form.act_data(),
            technician=request.technician,
            receipt=claim_form.cleaned_data["receipt"],
            photos=act_form.cleaned_data["photos"],
            language=claim_form.cleaned_data["language"],
            policy=policy,
            **act_form.notes(),
        )
    except DuplicateClaim as duplicate:
        submissions.forget(token=token)
        claim_form.add_error(None, _duplicate_message(request, duplicate.number))
        return _page(request, claim_form, act_form, status=409)
    except Exception:
        submissions.forget(token=token)
        raise
    submissions.remember(token=token, number=order.claim.number)
    messages.success(request, received_message(order, received_by_post=False))
    return redirect("workbench:act", pk=order.pk)


def _page(request, claim_form, act_form, *, status=200):
    return render(
        request,
        "repairs/workbench/walk_in.html",
        {"claim_form": claim_form, "form": act_form},
        status=status,
    )


def _own_order(request, number: str) -> RepairOrder | None:
    return RepairOrder.objects.filter(
        claim__number=number, service_center_id=request.technician.service_center_id
    ).first()


def _sent_before(request, *, number: str):
    """This very page was sent again: its order's act, once the first submit finished."""
    order = None if number == submissions.PENDING else _own_order(request, number)
    if order is None:
        messages.info(
            request,
            _("This form is being sent already. Find the order in the queue in a moment."),
        )
        return redirect("workbench:queue")
    messages.info(
        request,
        _("This form was sent already: this is the act of order %(number)s.")
        % {"number": order.display_number},
    )
    return redirect("workbench:act", pk=order.pk)


def _duplicate_message(request, number: str) -> str:
    if _own_order(request, number) is not None:
        return _(
            "A claim with these details was registered a few minutes ago (%(number)s), and "
            "its product is already received here: find it in the queue."
        ) % {"number": number}
    return _(
        "A claim with these details was registered a few minutes ago (%(number)s). Ask "
        "support before registering it again."
    ) % {"number": number}
