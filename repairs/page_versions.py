"""Versions of what «Мой ремонт» shows: when a cached page of a claim is still current.

The page (repairs.public.my_repair) is cached whole, per claim and language, tagged with
the versions below as they were read *before* the page's data was; a page is served only
while its tags equal the current versions. A version is a random token in the default
cache, kept for the claim, for its order and for the whole site (the centers' contacts and
the warranty policy, shown on every page). Every save or delete of a row the page reads
draws a new token (the signals at the end of this module, so an admin edit counts as
surely as a step), and does so after the commit.

Why after the commit: a page rendered from rows read before the commit must never be
tagged with the new token. The reader reads the tokens first, then the rows; the writer
commits, then draws. A reader that read the old token serves or stores a page that the
next reader finds outdated; a reader that read the new token read the rows after the
commit. Drawn inside the transaction, a reader could read the new token, then the rows as
they were before the commit, and keep that stale page for good.

A queryset's `.update()`, `bulk_create` and (for work lines, whose deletes have no
receiver) `.delete()` send no signal: the services that use them on these models call
`order_changed` themselves (repairs.services.work_lines; the act's PDF, written with
`.update()`, is not on the page). Anything that still slips by (a raw SQL fix,
the cache down at the moment of the draw) is bounded by the page's expiry.
"""

import functools
import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

from claims.models import Claim, StatusEvent, WarrantyPolicy
from repairs.models import (
    IntakeAct,
    QuoteConsent,
    RepairOrder,
    ServiceCenter,
    ServiceRating,
    Shipment,
    WorkLine,
)

logger = logging.getLogger(__name__)

# How long a page is kept at most: bounds whatever a version missed (see above) and how
# long a customer's masked details stay in the cache after the last view.
PAGE_SECONDS = 600
# Longer than any page is kept: a token that expires only makes the next reader draw one.
VERSION_SECONDS = 24 * 3600
SITE = "my-repair:version:site"
# Part of the page's key: raised when the page's template or what it shows changes, so a
# deploy never serves a page cached by the code before it.
PAGE_FORMAT = 1


@functools.cache
def _static_build() -> str:
    """The static files' manifest fingerprint (empty without a manifest): a cached page
    names the hashed CSS files of the deploy that rendered it, gone after the next one."""
    return str(getattr(staticfiles_storage, "manifest_hash", ""))


def page_key(*, claim_id: int, language: str) -> str:
    return f"my-repair:page:v{PAGE_FORMAT}:{_static_build()}:{claim_id}:{language}"


def claim_key(claim_id: int) -> str:
    return f"my-repair:version:claim:{claim_id}"


def order_key(order_id: int) -> str:
    return f"my-repair:version:order:{order_id}"


def keys_of(*, claim_id: int, order_id: int | None) -> list[str]:
    """The version keys a claim's page is tagged with."""
    keys = [claim_key(claim_id), SITE]
    if order_id is not None:
        keys.append(order_key(order_id))
    return keys


def draw_missing(found: dict, keys: list[str]) -> dict | None:
    """The versions of `keys`, given what one `get_many` `found`: a missing one (never
    drawn, or expired) is drawn now. None when another request drew one first: the caller
    then renders without caching, rather than tag a page with a token it did not read."""
    versions = dict(found)
    for key in keys:
        if key not in versions:
            token = secrets.token_hex(8)
            if not cache.add(key, token, VERSION_SECONDS):
                return None
            versions[key] = token
    return {key: versions[key] for key in keys}


def _draw(keys: list[str]) -> None:
    try:
        cache.set_many({key: secrets.token_hex(8) for key in keys}, VERSION_SECONDS)
    except Exception:
        # The page's expiry bounds how long it can now be behind.
        logger.warning("Cache unreachable: «Мой ремонт» pages may show old data", exc_info=True)


def _after_commit(keys: list[str]) -> None:
    transaction.on_commit(functools.partial(_draw, keys))


def claim_changed(claim_id: int) -> None:
    _after_commit([claim_key(claim_id)])


def order_changed(order_id: int) -> None:
    _after_commit([order_key(order_id)])


def site_changed() -> None:
    _after_commit([SITE])


# --- The rows the page reads ----------------------------------------------------------


def _claim_saved(sender, instance: Claim, **kwargs) -> None:
    claim_changed(instance.pk)


def _claim_deleted(sender, instance: Claim, **kwargs) -> None:
    """An erased claim leaves no page behind: its masked contacts and history go too."""
    claim_id = instance.pk
    pages = [page_key(claim_id=claim_id, language=code) for code, _name in settings.LANGUAGES]

    transaction.on_commit(functools.partial(_forget, claim_id, pages))


def _forget(claim_id: int, pages: list[str]) -> None:
    _draw([claim_key(claim_id)])
    try:
        cache.delete_many(pages)
    except Exception:
        logger.warning("Cache unreachable: an erased claim's page expires later", exc_info=True)


def _event_saved(sender, instance: StatusEvent, **kwargs) -> None:
    claim_changed(instance.claim_id)


def _order_saved(sender, instance: RepairOrder, **kwargs) -> None:
    # The order's own version, and the claim's: a new order changes which keys the
    # page is tagged with only from the next read on.
    _after_commit([order_key(instance.pk), claim_key(instance.claim_id)])


def _order_part_saved(sender, instance, **kwargs) -> None:
    order_changed(instance.repair_order_id)


def _site_saved(sender, instance, **kwargs) -> None:
    site_changed()


ORDER_PARTS = (IntakeAct, QuoteConsent, ServiceRating, Shipment)


def connect_signals() -> None:
    post_delete.connect(_claim_deleted, sender=Claim, dispatch_uid="my-repair-page-claim-delete")
    post_save.connect(_claim_saved, sender=Claim, dispatch_uid="my-repair-version-claim-save")
    pairs: list[tuple[type[models.Model], Callable[..., None]]] = [
        (StatusEvent, _event_saved),
        (RepairOrder, _order_saved),
        *((model, _order_part_saved) for model in ORDER_PARTS),
        (ServiceCenter, _site_saved),
        (WarrantyPolicy, _site_saved),
    ]
    for model, receiver in pairs:
        uid = f"my-repair-version-{model._meta.label_lower}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")
    # Saves only: a delete receiver would cost the estimate step a SELECT before its DELETE
    # (no fast delete), and the one place that deletes lines says so itself (_replace).
    post_save.connect(_order_part_saved, sender=WorkLine, dispatch_uid="my-repair-version-line")
