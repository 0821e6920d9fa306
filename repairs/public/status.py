from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from dreame_service.kit import ratelimit
from repairs import public_status, selectors
from repairs.forms import RepairStatusForm
from repairs.public.marks import PATH_MARK, PathMarked, escaped_path

RATE_LIMIT_SCOPE = "repair-status"
TEMPLATE = "repairs/repair_status.html"


@require_safe
def partners(request):
    centers = selectors.active_service_centers()
    return render(request, "repairs/partners.html", {"service_centers": centers})


@require_safe
@never_cache
def repair_status(request):
    """The stub's lookup. The same URL answers JSON to `Accept: application/json`."""
    as_json = request.get_preferred_type(["text/html", "application/json"]) == "application/json"
    response = _lookup(request, as_json=as_json)
    patch_vary_headers(response, ["Accept"])
    return response


@require_safe
@never_cache
def repair_status_api(request):
    """The stable JSON alias for the call center's phone system."""
    return _lookup(request, as_json=True)


def _lookup(request, *, as_json: bool):
    form = RepairStatusForm(request.GET)
    if form.is_empty:
        if as_json:
            return JsonResponse(
                {
                    "error": "missing_parameters",
                    "message": _("Give the order number and the intake date."),
                },
                status=400,
            )
        return render(request, TEMPLATE, {"form": form})

    order_number, intake_date = form.lookup_values()
    language = get_language()
    # Counted before the lookup, hit or miss: a blocked client costs no query at all. The
    # cached answer, if any, is read in the same round trip.
    client = ratelimit.client_address(request)
    limit = ratelimit.hit(
        scope=RATE_LIMIT_SCOPE,
        key=client,
        limit=settings.CALL_CENTER_RATE_LIMIT
        if ratelimit.is_in_networks(client, settings.CALL_CENTER_NETWORKS)
        else settings.REPAIR_STATUS_RATE_LIMIT,
        window_seconds=settings.REPAIR_STATUS_RATE_WINDOW,
        read=public_status.cache_key(
            order_number=order_number, intake_date=intake_date, language=language
        ),
    )
    if limit.is_limited:
        return _too_many(request, form=form, retry_after=limit.retry_after, as_json=as_json)

    answer = public_status.lookup(
        order_number=order_number,
        intake_date=intake_date,
        language=language,
        cached=limit.cached,
    )
    if answer is None:
        return _miss(request, form=form, as_json=as_json)
    if as_json:
        return JsonResponse(answer["json"], json_dumps_params={"ensure_ascii": False})
    page = answer.get("page")
    if page is None:
        page = _page_pieces(request, answer)
        public_status.remember(
            order_number=order_number,
            intake_date=intake_date,
            language=language,
            answer={**answer, "page": page},
        )
    # The whole page came from the cache: only the language form's return path is this
    # request's own (escaped here as the template escapes it).
    return HttpResponse(escaped_path(request).join(page))


def _page_pieces(request, answer: dict) -> list[str]:
    """A hit's whole page, cut around the request's full path (its only per-request part:
    a hit shows no form, no cookie, no token), for every later hit of the same answer."""
    # Rendered by public_status from our own template, every value escaped there.
    result_html = mark_safe(answer["html"])  # noqa: S308
    context = {"searched": True, "result_html": result_html, "request": PathMarked(request)}
    # Cut where the request's full path goes (repairs.public.marks).
    return render_to_string(TEMPLATE, context, request=request).split(PATH_MARK)


def _miss(request, *, form, as_json: bool):
    """One answer for every miss: unknown number, wrong date and junk look alike."""
    if as_json:
        return JsonResponse(
            {"error": "not_found", "message": _miss_message()},
            status=404,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, TEMPLATE, {"form": form, "searched": True, "missed": True}, status=404)


def _miss_message() -> str:
    return _(
        "We could not find a repair with this order number and intake date. Check both "
        "on your stub and try again, or call the phone number printed on the stub."
    )


def _too_many(request, *, form, retry_after: int, as_json: bool):
    minutes = max((retry_after + 59) // 60, 1)
    message = ngettext(
        "You have made too many lookups. Please try again in %(minutes)d minute, or call "
        "the phone number printed on your stub.",
        "You have made too many lookups. Please try again in %(minutes)d minutes, or call "
        "the phone number printed on your stub.",
        minutes,
    ) % {"minutes": minutes}
    response: HttpResponse
    if as_json:
        response = JsonResponse(
            {"error": "rate_limited", "message": message, "retry_after": retry_after},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        context = {"form": form, "searched": True, "limited_message": message}
        response = render(request, TEMPLATE, context, status=429)
    response["Retry-After"] = str(retry_after)
    return response
