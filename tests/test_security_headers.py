"""Strict headers on every page: a CSP with no inline script or style, Permissions-Policy,
and the existing ones kept (`check --deploy` under production variables: test_settings)."""

import pytest

from claims.tests.factories import ClaimFactory
from repairs.tests.my_repair.helpers import my_path

pytestmark = pytest.mark.django_db

PAGES = ["/", "/warranty/", "/claims/new/", "/partners/", "/partners/repair-status/", "/my/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_has_a_strict_csp(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", PAGES)
def test_no_page_carries_inline_script_or_style(client, path):
    html = client.get(path).content.decode()
    assert "<style" not in html
    assert " style=" not in html
    assert "<script>" not in html and "<script " not in html.replace('<script src="', "")
    assert " onclick=" not in html and " onload=" not in html


def test_the_personal_page_keeps_its_own_referrer_policy(client):
    response = client.get(my_path(ClaimFactory()))
    assert response["Referrer-Policy"] == "strict-origin"
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "endpoint_url, region",
    [
        ("http://127.0.0.1:9000", None),  # MinIO or moto on loopback
        ("https://object.pscloud.io", "kz-ala-1"),  # a Kazakh provider's endpoint
        (None, "eu-central-1"),  # AWS itself
        (None, None),
    ],
)
def test_the_csp_lets_staff_previews_load_from_the_bucket_and_nowhere_else(endpoint_url, region):
    # The URL django-storages signs (no network: signing is local) is on an allowed origin.
    from urllib.parse import urlsplit

    from storages.backends.s3 import S3Storage

    from dreame_service.kit.bucket_origins import bucket_origins

    storage = S3Storage(
        bucket_name="dreame-private",
        endpoint_url=endpoint_url,
        region_name=region,
        access_key="key",
        secret_key="secret",
        querystring_auth=True,
    )
    signed = urlsplit(storage.url("intake/2026/11/photo.jpg"))
    origins = bucket_origins(bucket="dreame-private", endpoint_url=endpoint_url, region=region)
    assert f"{signed.scheme}://{signed.netloc}" in origins
    assert all("dreame-private" in origin or origin.endswith(signed.netloc) for origin in origins)
