"""The customer's pages: warranty, claim form, confirmation, supplement; staff receipt download."""

import logging
import re
import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from claims import links, search, selectors, services, signing, submissions
from claims.files import private_file_response
from claims.forms import ClaimForm, SupplementForm
from claims.models import Claim, ClaimAttachment, ClaimStatus
from claims.steps import run_claim_step
from dreame_service.kit.fsm import Actor, Stale
from dreame_service.kit.ratelimit import (
    BodyGuard,
    client_address,
    is_limited,
    limited_before_body,
    private_key,
)

logger = logging.getLogger(__name__)

HOUR = 3600
# Generous per address: Kazakhstan's mobile carriers put many customers behind one NAT
# address, and every POST counts here, also one with a typo to fix.
SUBMITS_PER_ADDRESS = 30
# Strict per person: nobody files more than a few claims an hour.
SUBMITS_PER_CONTACT = 5
SUPPLEMENTS_PER_ADDRESS = 20
CLAIM_FORM_GUARD = BodyGuard("claim-address", SUBMITS_PER_ADDRESS, HOUR)
SUPPLEMENT_GUARD = BodyGuard("claim-supplement", SUPPLEMENTS_PER_ADDRESS, HOUR)
FORM_TOKEN = re.compile(r"[0-9a-f]{32}")


@require_safe
def warranty_page(request):
    return render(request, "claims/warranty.html", {"policy": selectors.warranty_policy()})


# --- The claim form ------------------------------------------------------------------


@limited_before_body(CLAIM_FORM_GUARD)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def claim_new(request):
    products = selectors.active_product_models()
    if request.method != "POST":
        form = ClaimForm(products=products, initial={"form_token": uuid.uuid4().hex})
        return _form_page(request, form)

    if CLAIM_FORM_GUARD.hit(request):
        return _limited_page(request, products)

    form = ClaimForm(request.POST, request.FILES, products=products)
    if not form.is_valid():
        return _form_page(request, form)
    if form.is_honeypot_filled:
        logger.info("Claim form honeypot filled from %s; dropped", client_address(request))
        return redirect("claims:received")

    data = form.claim_data()
    # Both limits count this hit, so neither a new e-mail nor a new phone gets around them.
    by_email = _contact_limited("claim-email", search.email_identity(data["email"]))
    by_phone = _contact_limited("claim-phone", str(data["phone"]))
    if by_email or by_phone:
        return _limited_page(request, products)

    token = form.cleaned_data["form_token"]
    earlier = submissions.claim_of_this_form(token=token)
    if earlier == submissions.PENDING:
        return _message(
            request,
            title=_("Your claim is being sent"),
            text=_(
                "This form was sent twice. Wait for the confirmation e-mail before sending "
                "it again."
            ),
            status=409,
        )
    if earlier:  # this very form page was sent again: its own claim
        return redirect(_confirmation_path(earlier))

    repeated = selectors.recent_duplicate_claim(data=data)
    if repeated is not None:
        return _already_registered(request, number=repeated.number, token=token)
    try:
        claim = services.submit_claim(
            data=data, receipt=form.cleaned_data["receipt"], language=translation.get_language()
        )
    except services.DuplicateClaim as duplicate:  # the same details, sent in parallel
        return _already_registered(request, number=duplicate.number, token=token)
    except Exception:
        submissions.forget(token=token)
        raise
    submissions.remember(token=token, number=claim.number)
    return redirect(_confirmation_path(claim.number))


def _already_registered(request, *, number: str, token: str):
    """The same details as a claim filed minutes ago, from another form page: whoever sent
    them may not be its customer, so they see nothing of it (no number, no e-mail, no
    personal link); the link goes to the claim's own address again."""
    submissions.forget(token=token)
    services.resend_link_for_repeated_claim(number=number)
    return _message(
        request,
        title=_("This claim is already registered"),
        text=_(
            "A claim with these details was sent a few minutes ago. We have sent the link "
            "to follow it to the e-mail address given in it again. Please check your inbox "
            "(and the spam folder)."
        ),
        status=200,
    )


def _form_page(request, form, *, status=200, limited=False):
    return render(
        request, "claims/claim_form.html", {"form": form, "limited": limited}, status=status
    )


def _limited_page(request, products):
    """429, with everything typed still in the form (the file must be chosen again)."""
    values = request.POST.dict()
    values.pop("leave_empty", None)
    form = ClaimForm(products=products, initial=values)
    return _form_page(request, form, status=429, limited=True)


def _contact_limited(scope: str, value: str) -> bool:
    return is_limited(
        scope=scope, key=private_key(value), limit=SUBMITS_PER_CONTACT, window_seconds=HOUR
    )


def _confirmation_path(number: str) -> str:
    return reverse("claims:confirmation", args=[signing.confirmation_token(number)])


@never_cache
@require_safe
def claim_confirmation(request, token):
    try:
        number = signing.unsign_confirmation_token(token)
    except signing.BadSignature:  # also SignatureExpired
        return _message(
            request,
            title=_("This page is no longer available"),
            text=_(
                "The confirmation page is shown only for a day after sending the claim. "
                "Its number and details are in the e-mail we sent you."
            ),
            status=404,
        )
    claim = selectors.claim_for_number(number=number)
    if claim is None:
        raise Http404
    return render(
        request,
        "claims/claim_confirmation.html",
        {"claim": claim, "policy": selectors.warranty_policy(), "my_path": links.my_path(claim)},
    )


@require_safe
def claim_received(request):
    return render(request, "claims/claim_received.html")


# --- Supplement through the e-mailed link ---------------------------------------------


@limited_before_body(SUPPLEMENT_GUARD)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def claim_supplement(request, token):
    try:
        number = signing.unsign_supplement_token(token)
    except signing.SignatureExpired:
        return _message(
            request,
            title=_("This link has expired"),
            text=_(
                "Links to add information are valid for 14 days. Write to support and we "
                "will send you a new one."
            ),
            status=410,
        )
    except signing.BadSignature:
        return _invalid_link(request)
    claim = selectors.claim_for_number(number=number)
    if claim is None:
        return _invalid_link(request)

    if request.method != "POST":
        if claim.status != ClaimStatus.NEEDS_INFO:
            return _no_info_needed(request, claim)
        form = SupplementForm(initial={"form_token": uuid.uuid4().hex})
        return _supplement_page(request, claim, form)

    if SUPPLEMENT_GUARD.hit(request):
        return _message(
            request,
            title=_("Too many attempts"),
            text=_("Please wait a little and open the link again."),
            status=429,
        )
    # One answer per form page: a double click, or a resend after a slow upload, finds the
    # first answer (the claim has moved on by then) instead of "no information is needed".
    form_token = request.POST.get("form_token", "")
    if not FORM_TOKEN.fullmatch(form_token):
        form_token = ""
    earlier = submissions.claim_of_this_form(token=form_token)
    if earlier == claim.number:
        return redirect("claims:supplement_done")
    if earlier == submissions.PENDING:
        return _message(
            request,
            title=_("Your answer is being sent"),
            text=_("This form was sent twice. Wait a moment, then open the link again."),
            status=409,
        )
    try:
        response, saved = _answer_request(request, claim)
    except Exception:
        submissions.forget(token=form_token)
        raise
    if saved:
        submissions.remember(token=form_token, number=claim.number)
    else:
        submissions.forget(token=form_token)  # nothing saved: the same page may send again
    return response


def _answer_request(request, claim):
    """The customer's answer, checked and kept: (the response, whether it was saved)."""
    if claim.status != ClaimStatus.NEEDS_INFO:
        return _no_info_needed(request, claim), False
    form = SupplementForm(request.POST, request.FILES)
    if not form.is_valid():
        return _supplement_page(request, claim, form, chosen=set(request.FILES)), False
    try:
        run_claim_step(claim, "supplement", actor=Actor.CUSTOMER, values=form.step_values())
    except Stale:
        return _no_info_needed(request, claim), False
    return redirect("claims:supplement_done"), True


def _supplement_page(request, claim, form, *, chosen=frozenset()):
    """The answer page; `chosen`: the file fields the refused POST had files in (they are
    never kept, so the page asks for them again)."""
    return render(
        request, "claims/supplement_form.html", {"form": form, "claim": claim, "chosen": chosen}
    )


@require_safe
def supplement_done(request):
    return render(request, "claims/supplement_done.html")


def _invalid_link(request):
    return _message(
        request,
        title=_("This link does not work"),
        text=_(
            "The link may be incomplete: open it again from the e-mail, or copy the whole "
            "address into the browser."
        ),
        status=404,
    )


def _no_info_needed(request, claim):
    return _message(
        request,
        title=_("No information is needed now"),
        text=_(
            "Claim %(number)s is no longer waiting for information from you. We will write "
            "to you by e-mail about the next steps."
        )
        % {"number": claim.number},
        status=409,
    )


def _message(request, *, title: str, text: str, status: int):
    return render(request, "claims/message.html", {"title": title, "text": text}, status=status)


# --- Failures and staff files -----------------------------------------------------------


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a translated page instead of Django's English one."""
    return render(request, "claims/csrf_failure.html", status=403)


@never_cache
@login_required
@require_safe
def claim_receipt(request, pk):
    """A claim's receipt for staff. Never a public URL."""
    _require_claim_viewer(request)
    claim = get_object_or_404(Claim.objects.only("pk", "receipt"), pk=pk)
    if not claim.receipt:
        raise Http404
    return private_file_response(claim.receipt, filename_stem=f"{claim.pk}-receipt")


@never_cache
@login_required
@require_safe
def claim_attachment(request, pk):
    """A file the customer added through the supplement link, for staff."""
    _require_claim_viewer(request)
    attachment = get_object_or_404(ClaimAttachment.objects.only("pk", "claim_id", "file"), pk=pk)
    return private_file_response(
        attachment.file, filename_stem=f"{attachment.claim_id}-attachment-{attachment.pk}"
    )


def _require_claim_viewer(request) -> None:
    if not (request.user.is_staff and request.user.has_perm("claims.view_claim")):
        raise PermissionDenied
