"""Middleware of the portal: refusals before the request body is read, the end of idle or
old staff sessions (`StaffSessionMiddleware`, below) and the Permissions-Policy header.

Django's CSRF middleware reads a POST's body to find the token, before any view runs: a
100 MB upload, or a POST from a client already over its limit, would be read (and spooled
to disk) only to be refused afterwards. `BodyGuardMiddleware` sits ahead of it and answers
from the headers alone:

- 413 when `Content-Length` says the body is larger than this request may send (the proxy
  is configured with the same figures: docs/operations.md);
- 429 when the view is marked with `ratelimit.limited_before_body` and the client has
  already used up that limit (only looked at, not counted: the view counts as before).

It stands after the session and authentication middleware (neither reads the body) and
before CSRF: the larger limit is for a signed-in technician's intake photos alone.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def body_limit_for(request, length: int) -> int:
    """The largest body this request may send: REQUEST_MAX_BYTES, or STAFF_REQUEST_MAX_BYTES
    for the views in STAFF_UPLOAD_VIEWS (an intake act's 8 photos) posted by an active
    member of STAFF_UPLOAD_GROUP, or CUSTOMER_UPLOAD_REQUEST_MAX_BYTES for the views in
    CUSTOMER_UPLOAD_VIEWS (a customer's answer with its photos). Anyone else, signed in or
    not, anywhere, gets the first: an anonymous client must not make the server read and
    parse 82 MB.

    The user is looked up only for a body over the ordinary limit (two queries then)."""
    if length <= settings.REQUEST_MAX_BYTES:
        return settings.REQUEST_MAX_BYTES
    view_name = _view_name(request)
    if view_name in settings.CUSTOMER_UPLOAD_VIEWS:
        return settings.CUSTOMER_UPLOAD_REQUEST_MAX_BYTES
    if view_name in settings.STAFF_UPLOAD_VIEWS and _is_staff_uploader(request):
        return settings.STAFF_REQUEST_MAX_BYTES
    return settings.REQUEST_MAX_BYTES


def _view_name(request) -> str:
    try:
        return resolve(request.path_info, getattr(request, "urlconf", None)).view_name
    except Resolver404:
        return ""


def _is_staff_uploader(request) -> bool:
    user = request.user
    # By group name, not by the app's Technician model: this package imports no app.
    return (
        user.is_authenticated
        and user.is_active
        and user.groups.filter(name=settings.STAFF_UPLOAD_GROUP).exists()
    )


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
            if length is None:
                return _too_large(request, limit=settings.REQUEST_MAX_BYTES)
            limit = body_limit_for(request, length)
            if length > limit:
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


# --- Staff sessions: an idle time and a longest sign-in -----------------------------------

# In the session: when it last renewed (a request, to the minute) and when it signed in.
SEEN_AT_KEY = "staff_seen_at"
SIGNED_IN_AT_KEY = "staff_signed_in_at"
IDLE_SECONDS_KEY = "staff_idle_seconds"
# Renewing writes the session row; once a minute is precise enough for hours of idle time.
RENEW_EVERY_SECONDS = 60
IDLE_MESSAGE = _("You were signed out after a long time without activity. Please sign in again.")
MAX_AGE_MESSAGE = _("Your sign-in has expired. Please sign in again.")


def stamp_sign_in(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver (dreame_service.apps): a sign-in starts both clocks."""
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[SIGNED_IN_AT_KEY] = now
        session[SEEN_AT_KEY] = now


def idle_seconds_for(request) -> int:
    """The workbench's counter tablets have their own idle time; every other page the
    staff's. A session that used the workbench keeps the shorter one on every page (kept
    in the session), so a walk-up user cannot dodge it by opening another page first."""
    idle = settings.STAFF_IDLE_SECONDS
    match = request.resolver_match
    if match is not None and "workbench" in match.namespaces:
        idle = settings.WORKBENCH_IDLE_SECONDS
    return min(idle, request.session.get(IDLE_SECONDS_KEY, idle))


class StaffSessionMiddleware:
    """A signed-in session ends after its idle time without a request (STAFF_IDLE_SECONDS;
    WORKBENCH_IDLE_SECONDS on the workbench) and SESSION_COOKIE_AGE after signing in,
    however active. Only staff sign in (customers use their personal links), so this is
    every signed-in session. The next request is signed out and goes on as anonymous: the
    admin and the workbench send it to their login page, which says why.

    After the session and authentication middleware, and the messages' (the login page's
    note); in `process_view`, where the URL's namespace is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None  # no session: not even looked at (that would add Vary: Cookie)
        session = request.session
        if SESSION_KEY not in session:
            return None  # not signed in; an anonymous session is left as it is
        now = int(time.time())
        idle = idle_seconds_for(request)
        seen_at = session.get(SEEN_AT_KEY)
        signed_in_at = session.get(SIGNED_IN_AT_KEY)
        if seen_at is None or signed_in_at is None:
            # Signed in before these clocks existed: they start now.
            seen_at = signed_in_at = session[SEEN_AT_KEY] = session[SIGNED_IN_AT_KEY] = now
        if now - seen_at > idle:
            _sign_out(request, IDLE_MESSAGE)
        elif now - signed_in_at > settings.SESSION_COOKIE_AGE:
            _sign_out(request, MAX_AGE_MESSAGE)
        elif now - seen_at >= RENEW_EVERY_SECONDS or _is_shorter_than_kept(session, idle):
            session[SEEN_AT_KEY] = now
            session[IDLE_SECONDS_KEY] = idle
            # The stored session and its cookie end with the clocks, not 2 weeks later.
            left = signed_in_at + settings.SESSION_COOKIE_AGE - now
            session.set_expiry(max(min(idle, left), 1))
        return None


def _is_shorter_than_kept(session, idle: int) -> bool:
    # The workbench's idle time, on a session's first workbench page: kept at once.
    return idle < session.get(IDLE_SECONDS_KEY, settings.STAFF_IDLE_SECONDS)


def _sign_out(request, message) -> None:
    logout(request)  # a fresh, empty session; request.user is anonymous from here on
    messages.info(request, message)


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` on every answer: the browser features no page of ours uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
