"""«Мой ремонт» served whole from the cache: one query and one cache round trip a view.

A GET with no message waiting is the page as it was last rendered for this claim and
language, while nothing it shows has changed since (repairs.page_versions tags it with the
versions read before its data). The link is still resolved on every request (its own
query: a revoked or expired link answers the 404 at once). Three parts of the page are not
kept, and the cached page holds marks in their place (repairs.public.marks): the forms' CSRF
token, drawn per request as the template would draw it (with its cookie), the language
form's return path, and the personal link's own token in the forms' addresses (the key to
the page stays out of the cache). Nothing else on the page depends on who reads it or
on the day it is read: its dates are stored ones (the expected date counts from the day
the order entered its state, the warranty's end from the return), so the day is not part
of the key. The cache failing only costs speed: the page is then rendered as before.
"""

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token

from claims import links
from repairs import page_versions
from repairs.public.marks import PATH_MARK, TOKEN_MARK, escaped_path, link_mark
from repairs.public.my_repair.page import Link

logger = logging.getLogger(__name__)


def page_response(
    request, link: Link, *, render_marked: Callable[[], str | None]
) -> HttpResponse | None:
    """The page of the claim `link` names (page.link_for_key) in the active language, from
    the cache when it is current; else `render_marked()` (None: the link stopped working
    meanwhile, and so does this)."""
    key = page_versions.page_key(claim_id=link.claim_id, language=request.LANGUAGE_CODE)
    version_keys = page_versions.keys_of(claim_id=link.claim_id, order_id=link.order_id)
    found = _quietly(cache.get_many, [*version_keys, key]) or {}
    stored = found.pop(key, None)
    tags = _quietly(page_versions.draw_missing, found, version_keys)
    if tags is not None:
        # The claim's row as this request read it: a queryset `.update()` of it (no signal)
        # still shows, and a reused id (a test database) never gets another claim's page.
        tags["row"] = f"{link.updated_at}|{link.ended_at}"
        # The link's mark follows SECRET_KEY: a page stored before a key rotation holds the
        # old one, which this process would not fill in.
        tags["mark"] = link_mark()
    if stored is not None and tags is not None and stored["tags"] == tags:
        html = stored["html"]
    else:
        html = render_marked()
        if html is None:
            return None
        if tags is not None:
            entry = {"tags": tags, "html": html}
            _quietly(cache.set, key, entry, page_versions.PAGE_SECONDS)
    return HttpResponse(_filled(html, request, link))


def _filled(html: str, request, link: Link) -> str:
    # The path last: it is the only part a visitor chooses.
    if TOKEN_MARK in html:
        html = html.replace(TOKEN_MARK, get_token(request))
    html = html.replace(link_mark(), links.token_for(link.key))
    return html.replace(PATH_MARK, escaped_path(request))


def _quietly(method, *args):
    try:
        return method(*args)
    except Exception:
        logger.warning("Cache unreachable for «Мой ремонт»", exc_info=True)
        return None
