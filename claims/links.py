"""The customer's personal link to «Мой ремонт» (`/my/<token>/`): no account, no password.

Each claim holds a random `link_key` (128 bits). The token in the link is that key signed
with the site's SECRET_KEY, so a copy of the database alone does not give anyone the
links, a rotated key keeps old links working (SECRET_KEY_FALLBACKS), and support revokes a
link by drawing a new key: the old token then names no claim. How long a link works is the
page's rule (90 days after the case ended), checked against the claim's state.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "claims.my-repair"
# A dot is outside both the key's and the signature's alphabet (URL-safe base64).
SEPARATOR = "."
KEY_BYTES = 16  # 128 bits of randomness, as the token's unguessability requires


def new_link_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, sep=SEPARATOR)


def my_token(claim) -> str:
    return token_for(claim.link_key)


def token_for(link_key: str) -> str:
    return _signer().sign(link_key)


def my_path(claim) -> str:
    return reverse("my:page", args=[my_token(claim)])


def my_url(claim) -> str:
    """The absolute personal link every customer e-mail carries."""
    return f"{settings.SITE_URL}{my_path(claim)}"


def link_key_from_token(token: str) -> str | None:
    """The key a genuine token carries, or None for anything tampered or truncated."""
    if len(token) > 200:
        return None
    try:
        return _signer().unsign(token)
    except signing.BadSignature:
        return None
