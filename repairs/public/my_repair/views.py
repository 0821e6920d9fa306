"""«Мой ремонт» at `/my/<token>/`: the page, the customer's writes, the act, a lost link.

Every view under a token answers one identical 404 for a token that is tampered, truncated,
revoked or expired. Writes are POSTs with CSRF, limited per link, checked against the
order's current state under its lock by the services (repairs.services.customer), and end
in a redirect back to the page (a reload never repeats them).
"""

from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from claims import link_requests, links, search
from claims import services as claim_services
from claims.files import private_file_response
from claims.forms import SupplementForm
from claims.steps import run_claim_step
from dreame_service.kit.fsm import Actor, Stale
from dreame_service.kit.ratelimit import client_address, is_limited, private_key
from repairs import documents
from repairs.public.marks import TOKEN_MARK, PathMarked, link_mark
from repairs.public.my_repair import cached, page
from repairs.public.my_repair.forms import (
    CustomerParcelForm,
    LinkRequestForm,
    PhoneNewsForm,
    QuoteDecisionForm,
    RatingForm,
    WithdrawForm,
)
from repairs.services import customer

HOUR = 3600
# Per personal link: a customer fixing a typo in a tracking number stays well inside it.
WRITES_PER_LINK = 20
LINK_REQUESTS_PER_ADDRESS = 10
LINK_REQUESTS_PER_CONTACT = 3
TEMPLATE = "repairs/my_repair/page.html"


def _private_headers(response):
    # The token is the key to the page: it must not leave in a Referer, be indexed, or be
    # kept by a shared cache (never_cache adds `private, no-store`). `strict-origin` sends
    # only the site's origin, even to ourselves; `no-referrer` would make browsers post the
    # forms with `Origin: null`, which CSRF protection rightly refuses.
    response["Referrer-Policy"] = "strict-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def page_language(request, claim) -> str:
    """The claim's language, unless this browser chose another with the language switch.

    The link travels in e-mails: it is opened on a work computer, a relative's phone, a
    browser set to English, and each time the customer should find the language they
    wrote the claim in. Only the switch writes the language cookie
    (dreame_service.views.set_language), so the cookie is the record of a choice someone
    made on this browser; the browser's Accept-Language is not."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in dict(settings.LANGUAGES):
        return chosen
    return claim.language


def personal(view):
    """Resolve `/my/<token>/…` to its claim, or the one 404 every bad link gets; answer in
    the claim's language (`page_language`)."""

    @never_cache
    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        key = links.link_key_from_token(token)
        claim = page.claim_for_key(key) if key else None
        if claim is None:
            response = _not_found(request)
        else:
            _answer_in_page_language(request, claim)
            response = view(request, claim, *args, **kwargs)
        return _private_headers(response)

    return wrapper


def _not_found(request):
    return render(request, "repairs/my_repair/not_found.html", status=404)


def _answer_in_page_language(request, claim) -> None:
    # Activated for the rest of the request: LocaleMiddleware's Content-Language and the
    # page's <html lang> follow what is shown.
    request.LANGUAGE_CODE = page_language(request, claim)
    translation.activate(request.LANGUAGE_CODE)


def _render(request, claim, *, forms=None, status=200, notice=""):
    context = _context(claim, forms=forms, notice=notice)
    return render(request, TEMPLATE, context, status=status)


def _context(claim, *, forms=None, notice="") -> dict:
    forms = forms or {}
    shown = page.build(claim)
    return {
        "page": shown,
        "token": links.my_token(claim),
        "notice": notice,
        "parcel_form": forms.get("parcel") or CustomerParcelForm(),
        "correction_form": forms.get("correction") or _correction_form(shown),
        "rating_form": forms.get("rating") or RatingForm(),
        "withdraw_form": forms.get("withdraw") or WithdrawForm(),
        "quote_form": forms.get("quote") or QuoteDecisionForm(),
        "supplement_form": forms.get("supplement") or SupplementForm(),
        "phone_news_form": forms.get("phone_news") or PhoneNewsForm(claim=shown.claim),
    }


def _correction_form(shown):
    """The parcel's correction, filled with what was saved: the customer fixes one character."""
    if not shown.can_correct_parcel:
        return None
    parcel = shown.inbound
    return CustomerParcelForm(
        initial={"carrier": parcel.carrier, "tracking_number": parcel.tracking_number}
    )


def _back(claim):
    return redirect("my:page", token=links.my_token(claim))


def _changed(request, claim):
    """A stale page or a second click: nothing changed; show where things stand now."""
    fresh = page.claim_for_key(claim.link_key)
    notice = _(
        "This step is no longer possible: your repair has moved on since the page was "
        "opened. Nothing was changed. Here is where it stands now."
    )
    return _render(request, fresh, notice=notice, status=409)


def _too_many(request, claim):
    notice = _("Too many attempts through this link. Please wait an hour and try again.")
    response = _render(request, claim, notice=notice, status=429)
    response["Retry-After"] = str(HOUR)
    return response


def _limited(claim) -> bool:
    return is_limited(
        scope="my-write",
        key=private_key(claim.link_key),
        limit=WRITES_PER_LINK,
        window_seconds=HOUR,
    )


def write(view):
    """A POST through the personal link: CSRF (the middleware), one limit per link."""

    @require_POST
    @personal
    @wraps(view)
    def wrapper(request, claim, *args, **kwargs):
        if _limited(claim):
            return _too_many(request, claim)
        try:
            return view(request, claim, *args, **kwargs)
        except Stale:
            return _changed(request, claim)

    return wrapper


@require_safe
@never_cache
def my_page(request, token):
    """The page, served from the cache (repairs.public.my_repair.cached) unless a message
    waits to be shown: the confirmation after a write is rendered for its own request."""
    key = links.link_key_from_token(token)
    link = page.link_for_key(key) if key else None
    if link is None:
        return _private_headers(_not_found(request))
    _answer_in_page_language(request, link)
    if _messages_waiting(request):
        claim = page.claim_for_key(key)
        response = _render(request, claim) if claim is not None else None
    else:
        response = cached.page_response(
            request, link, render_marked=lambda: _marked_page(request, key)
        )
    # None: the link was revoked or expired between the two reads.
    return _private_headers(response or _not_found(request))


def _messages_waiting(request) -> bool:
    # Counting loads them (from the cookie; the session only if the cookie says so) without
    # marking them shown: the page rendered next still shows them.
    return len(messages.get_messages(request)) > 0


def _marked_page(request, key: str) -> str | None:
    """The page for the cache: marks where the CSRF token, the request's path and the link's
    token go (a context value outranks the context processors' `csrf_token` and `request`)."""
    claim = page.claim_for_key(key)
    if claim is None:
        return None
    context = {
        **_context(claim),
        "request": PathMarked(request),
        "csrf_token": TOKEN_MARK,
        "token": link_mark(),
    }
    return render_to_string(TEMPLATE, context, request=request)


def _order_or_not_now(claim):
    order = page.order_of(claim)
    if order is None:  # a claim not approved (yet): no order step is possible
        raise Stale
    return order


@write
def send_parcel(request, claim):
    order = _order_or_not_now(claim)
    form = CustomerParcelForm(request.POST)
    if not form.is_valid():
        return _render(request, claim, forms={"parcel": form}, status=400)
    customer.register_parcel(order=order, **form.cleaned_data)
    messages.success(
        request, _("Thank you! The service center now knows your parcel is on its way.")
    )
    return _back(claim)


@write
def correct_parcel(request, claim):
    order = _order_or_not_now(claim)
    form = CustomerParcelForm(request.POST)
    if not form.is_valid():
        return _render(request, claim, forms={"correction": form}, status=400)
    customer.correct_parcel(order=order, **form.cleaned_data)
    messages.success(
        request, _("Thank you! The service center now expects the parcel with this number.")
    )
    return _back(claim)


@write
def decide_quote(request, claim):
    order = _order_or_not_now(claim)
    form = QuoteDecisionForm(request.POST)
    shown = page.build(claim)
    if not shown.can_decide_quote:
        raise Stale
    if form.is_unconfirmed_decline:
        return _render(request, claim, forms={"quote": form}, status=400)
    if not form.is_valid():
        raise Stale  # a tampered or outdated form: show the current state
    accept = form.cleaned_data["decision"] == "accept"
    customer.decide_quote(
        order=order,
        accept=accept,
        amount_shown=Decimal(form.cleaned_data["quote_amount"]),
        wording=shown.wording["accept" if accept else "decline"],
        language=get_language(),
        client_address=client_address(request),
    )
    if accept:
        messages.success(request, _("Thank you! You accepted the price: the repair starts now."))
    else:
        messages.success(
            request, _("You declined the price: the product will be sent back unrepaired.")
        )
    return _back(claim)


@write
def phone_news(request, claim):
    form = PhoneNewsForm(request.POST, claim=claim)
    if not form.is_valid():
        return _render(request, claim, forms={"phone_news": form}, status=400)
    try:
        changed = claim_services.choose_phone_news(
            claim=claim,
            whatsapp=form.cleaned_data.get("notify_whatsapp", False),
            sms=form.cleaned_data["notify_sms"],
        )
    except ValidationError as refused:
        form.add_error(None, refused)
        return _render(request, claim, forms={"phone_news": form}, status=400)
    if changed:
        messages.success(request, _("Saved: we will send the news the way you chose."))
    else:
        messages.info(request, _("Nothing changed: the news comes as before."))
    return _back(claim)


@write
def rate(request, claim):
    order = _order_or_not_now(claim)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _render(request, claim, forms={"rating": form}, status=400)
    customer.rate_service(order=order, **form.cleaned_data)
    messages.success(request, _("Thank you for your rating!"))
    return _back(claim)


@write
def withdraw(request, claim):
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _render(request, claim, forms={"withdraw": form}, status=400)
    run_claim_step(claim, "withdraw", actor=Actor.CUSTOMER)
    messages.success(request, _("Your claim is withdrawn. We have sent you a confirmation."))
    return _back(claim)


@write
def supplement(request, claim):
    form = SupplementForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, claim, forms={"supplement": form}, status=400)
    run_claim_step(claim, "supplement", actor=Actor.CUSTOMER, values=form.step_values())
    messages.success(request, _("Thank you! Support has your answer."))
    return _back(claim)


@require_safe
@personal
def act_pdf(request, claim):
    """The customer's copy of the intake act."""
    shown = page.build(claim)
    if not shown.has_act:
        return _not_found(request)
    order = shown.order
    stem = f"act-{order.display_number}"
    if order.intake_act.pdf:
        return private_file_response(order.intake_act.pdf, filename_stem=stem)
    pdf = documents.act_pdf(order=order, language=get_language())
    if pdf is None:  # no WeasyPrint here: the act is still on the page and at the center
        return _not_found(request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
    response["Content-Security-Policy"] = "sandbox"
    return response


# --- "I lost the e-mail" -----------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def ask_for_link(request):
    """The same answer whether or not a claim matched: a redirect to one "sent" page."""
    if request.method != "POST":
        return render(request, "repairs/my_repair/ask_link.html", {"form": LinkRequestForm()})
    if is_limited(
        scope="my-link-address",
        key=client_address(request),
        limit=LINK_REQUESTS_PER_ADDRESS,
        window_seconds=HOUR,
    ):
        form = LinkRequestForm(initial={"contact": request.POST.get("contact", "")[:100]})
        context = {"form": form, "limited": True}
        response = render(request, "repairs/my_repair/ask_link.html", context, status=429)
        response["Retry-After"] = str(HOUR)
        return response
    form = LinkRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "repairs/my_repair/ask_link.html", {"form": form}, status=400)
    contact = form.cleaned_data["contact"]
    # Over the limit, nothing more is sent, but the answer stays the same: it must not
    # tell whether the contact is known, nor may its timing: the request only writes a row
    # (the same for every contact), and a worker looks the contact up.
    identity = search.email_identity(contact) if search.is_email(contact) else contact
    if not is_limited(
        scope="my-link-contact",
        key=private_key(identity),
        limit=LINK_REQUESTS_PER_CONTACT,
        window_seconds=HOUR,
    ):
        link_requests.request_links(contact=contact)
    return redirect("my:link_sent")


@require_safe
def link_sent(request):
    return render(request, "repairs/my_repair/link_sent.html")
