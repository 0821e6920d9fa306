"""What the «Мой ремонт» tests share: the personal link of an order or a claim."""

import re

from claims import links
from claims.models import Claim

CSRF_VALUE = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def my_path(claim_or_order, suffix: str = "") -> str:
    claim = getattr(claim_or_order, "claim", claim_or_order)
    claim = Claim.objects.get(pk=claim.pk)  # the current key, after any renewal
    return links.my_path(claim) + suffix


def without_csrf_values(content: bytes) -> bytes:
    """A page as every visitor gets it: the per-request CSRF masks set aside."""
    return CSRF_VALUE.sub(b'name="csrfmiddlewaretoken" value=""', content)
