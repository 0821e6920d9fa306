"""Marks for the parts of a public page rendered once for the cache that are not kept there.

A cached page is rendered with a mark where each such value goes (the request's own, or a
secret), and every request puts the value back in (escaped as the template escapes it). A
NUL never comes out of a rendered template otherwise: forms refuse it and PostgreSQL cannot
store it.
"""

import functools

from django.utils.crypto import salted_hmac
from django.utils.html import escape

# Stands in for the request's full path (the language form's return path, in base.html).
PATH_MARK = "\x00full-path\x00"
# Stands in for the CSRF token of the page's forms: a cached page must hold no token.
TOKEN_MARK = "\x00csrf-token\x00"


@functools.cache
def link_mark() -> str:
    """Stands in for a personal link's token, which must not rest in the cache beside the
    page it opens. Goes into URLs, so letters and digits only (reverse() would quote a NUL);
    derived from the site's key, so no text a visitor types can be it."""
    return (
        "link"
        + salted_hmac("repairs.public.marks", "link-token", algorithm="sha256").hexdigest()[:28]
    )


class PathMarked:
    """The request as the page's template sees it, its full path replaced by the mark."""

    def __init__(self, request):
        self._request = request

    def get_full_path(self) -> str:
        return PATH_MARK

    def __getattr__(self, name):
        return getattr(self._request, name)


def escaped_path(request) -> str:
    return escape(request.get_full_path())
