"""Signed, expiring links a customer gets instead of an account.

The supplement link goes out in the "information requested" e-mail; the confirmation
link is where the claim form redirects after a submission. Both carry the claim number
signed with the site's SECRET_KEY, each under its own salt so one cannot stand in for
the other.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

SUPPLEMENT_SALT = "claims.supplement"
CONFIRMATION_SALT = "claims.confirmation"
# Long enough for a customer to gather documents; support can always ask again.
SUPPLEMENT_MAX_AGE = datetime.timedelta(days=14)
# The confirmation page is shown right after submitting; the e-mail keeps the details.
CONFIRMATION_MAX_AGE = datetime.timedelta(days=1)

# Raised by the unsign_* functions: the view tells "expired" apart from "tampered".
SignatureExpired = signing.SignatureExpired
BadSignature = signing.BadSignature


def _sign(number: str, *, salt: str) -> str:
    return signing.TimestampSigner(salt=salt).sign(number)


def _unsign(token: str, *, salt: str, max_age: datetime.timedelta) -> str:
    return signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age)


def supplement_token(claim) -> str:
    return _sign(claim.number, salt=SUPPLEMENT_SALT)


def supplement_url(claim) -> str:
    """The absolute link for the customer's "add information" page."""
    path = reverse("claims:supplement", args=[supplement_token(claim)])
    return f"{settings.SITE_URL}{path}"


def unsign_supplement_token(token: str) -> str:
    """The claim number in a supplement token; BadSignature/SignatureExpired if not valid."""
    return _unsign(token, salt=SUPPLEMENT_SALT, max_age=SUPPLEMENT_MAX_AGE)


def confirmation_token(number: str) -> str:
    return _sign(number, salt=CONFIRMATION_SALT)


def unsign_confirmation_token(token: str) -> str:
    return _unsign(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
