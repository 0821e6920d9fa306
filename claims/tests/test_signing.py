"""Signed links: the supplement link in the e-mail and the confirmation page after submitting."""

import time

import pytest
from django.core import signing as django_signing

from claims import signing
from claims.tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_it_builds_an_absolute_supplement_url_that_leads_back_to_the_claim(settings):
    settings.SITE_URL = "https://service.dreame.kz"
    claim = ClaimFactory()

    url = signing.supplement_url(claim)

    prefix = "https://service.dreame.kz/claims/supplement/"
    assert url.startswith(prefix) and url.endswith("/")
    token = url.removeprefix(prefix).rstrip("/")
    assert signing.unsign_supplement_token(token) == claim.number


def test_it_refuses_a_tampered_supplement_token():
    token = signing.supplement_token(ClaimFactory.build(number="CL-AAAA1111"))
    tampered = token.replace("CL-AAAA1111", "CL-BBBB2222")

    with pytest.raises(django_signing.BadSignature):
        signing.unsign_supplement_token(tampered)


def test_it_refuses_a_supplement_token_older_than_its_lifetime(monkeypatch):
    token = signing.supplement_token(ClaimFactory.build(number="CL-AAAA1111"))
    later = time.time() + signing.SUPPLEMENT_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr(django_signing.time, "time", lambda: later)

    with pytest.raises(django_signing.SignatureExpired):
        signing.unsign_supplement_token(token)


def test_it_does_not_accept_a_confirmation_token_as_a_supplement_link():
    # Separate salts: the link shown after submitting cannot open the supplement page.
    token = signing.confirmation_token("CL-AAAA1111")

    with pytest.raises(django_signing.BadSignature):
        signing.unsign_supplement_token(token)
    assert signing.unsign_confirmation_token(token) == "CL-AAAA1111"
