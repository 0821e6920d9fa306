"""Refusals that must come before anything reads the request body.

Django's CSRF middleware reads a POST's body to find the token, before any view runs: a
100 MB upload, or a POST from a client already over its limit, would be read (and spooled
to disk) only to be refused afterwards. `BodyGuardMiddleware` sits ahead of it and answers
from the headers alone:

- 413 when `Content-Length` says the body is larger than this path may receive (the proxy
  and gunicorn are configured with the same figures: docs/operations.md);
- 429 when the view is marked with `ratelimit.limited_before_body` and the client has
  already used up that limit (only looked at, not counted: the view counts as before).
"""

from django.conf import settings
from django.shortcuts import render

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def body_limit_for(path: str) -> int:
    """The largest body a path accepts: the workbench takes an intake act's photos."""
    if path.startswith("/service/"):
        return settings.STAFF_REQUEST_MAX_BYTES
    return settings.REQUEST_MAX_BYTES


def _declared_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


class BodyGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in BODY_METHODS:
            length = _declared_length(request)
            limit = body_limit_for(request.path)
            if length is None or length > limit:
                return _too_large(request, limit=limit)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        guard = getattr(view_func, "limit_before_body", None)
        if guard is None or request.method not in BODY_METHODS:
            return None
        state = guard.peek(request)
        if state.count < guard.limit:
            return None
        response = render(request, "429.html", status=429)
        response["Retry-After"] = str(state.retry_after)
        return response


def _too_large(request, *, limit: int):
    # Connection: close, so the server does not keep reading the unread body for the next
    # request on this connection.
    response = render(
        request, "413.html", {"megabytes": max(limit // (1024 * 1024), 1)}, status=413
    )
    response["Connection"] = "close"
    return response


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` on every answer: the browser features no page of ours uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
