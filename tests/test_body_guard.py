"""Refused from the headers, before anything reads the body: too large, or over the limit.
The large limit is the intake act's photos' alone, for a signed-in technician."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory

from dreame_service.kit import ratelimit
from dreame_service.kit.middleware import BodyGuardMiddleware
from repairs.tests.factories import SupportUserFactory, TechnicianFactory

pytestmark = pytest.mark.django_db


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def _post(path, *, length: int, user=None, **extra):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.generic(
        "POST",
        path,
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(length),
        **extra,
    )


@pytest.fixture
def unreadable(monkeypatch):
    """Every request's input stream raises when read."""
    from django.core.handlers import wsgi

    real = wsgi.WSGIRequest.__init__

    def init(self, environ):
        environ["wsgi.input"] = UnreadableBody()
        real(self, environ)

    monkeypatch.setattr(wsgi.WSGIRequest, "__init__", init)


def test_a_100_mb_claim_is_refused_with_413_unread(unreadable, settings):
    response = _post("/claims/new/", length=100 * 1024 * 1024)
    assert response.status_code == 413
    assert response["Connection"] == "close"
    text = response.content.decode()
    assert "11" in text  # the limit in MB, as the customer reads it


def test_the_limit_is_what_one_upload_needs(settings):
    assert settings.REQUEST_MAX_BYTES > settings.UPLOAD_MAX_BYTES
    assert settings.STAFF_REQUEST_MAX_BYTES >= 8 * settings.UPLOAD_MAX_BYTES


def _guarded(path: str, length: str, *, user=None) -> int:
    """The guard alone, in front of a view that answers 200 without reading anything."""
    request = RequestFactory().post(path, data=b"", content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = length
    request.user = user or AnonymousUser()
    return BodyGuardMiddleware(lambda r: HttpResponse("passed"))(request).status_code


MB = 1024 * 1024


def test_a_technician_sends_an_intake_acts_photos():
    # Over the public limit but within the workbench's: 8 photos of up to 10 MB.
    technician = TechnicianFactory().user
    assert _guarded("/service/orders/1/receive/", str(30 * MB), user=technician) == 200
    assert _guarded("/service/orders/1/receive/", str(200 * MB), user=technician) == 413
    assert _guarded("/claims/new/", str(30 * MB), user=technician) == 413
    assert _guarded("/claims/new/", str(5 * MB)) == 200


@pytest.mark.parametrize("path", ["/service/orders/1/receive/", "/service/login/"])
def test_an_anonymous_20_mb_post_to_the_workbench_is_refused_unread(unreadable, path):
    response = _post(path, length=20 * MB)

    assert response.status_code == 413
    assert response["Connection"] == "close"
    assert "11" in response.content.decode()  # the ordinary limit: anonymous gets no more


def test_a_technicians_large_post_elsewhere_in_the_workbench_is_refused_unread(unreadable):
    technician = TechnicianFactory().user

    response = _post("/service/orders/1/", length=20 * MB, user=technician)

    assert response.status_code == 413


def test_only_technicians_send_intake_photos(unreadable):
    support = SupportUserFactory()
    former = TechnicianFactory().user
    former.is_active = False
    former.save()

    assert _guarded("/service/orders/1/receive/", str(20 * MB), user=support) == 413
    assert _guarded("/service/orders/1/receive/", str(20 * MB), user=former) == 413
    assert _post("/service/orders/1/receive/", length=20 * MB, user=support).status_code == 413


def test_a_bad_content_length_is_refused():
    assert _guarded("/claims/new/", "lots") == 413


def test_a_client_over_the_claim_limit_gets_429_before_its_body_is_read(unreadable):
    cache.clear()
    for _ in range(30):
        ratelimit.hit(scope="claim-address", key="127.0.0.1", limit=30, window_seconds=3600)
    response = _post("/claims/new/", length=5 * 1024 * 1024)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # Looked at, not counted: the count is what it was.
    assert ratelimit.peek(scope="claim-address", key="127.0.0.1", window_seconds=3600).count == 30
    cache.clear()


def test_it_stands_after_the_login_and_before_the_csrf_middleware(settings):
    order = settings.MIDDLEWARE.index
    guard = order("dreame_service.kit.middleware.BodyGuardMiddleware")
    assert order("django.contrib.auth.middleware.AuthenticationMiddleware") < guard
    assert guard < order("django.middleware.csrf.CsrfViewMiddleware")
