""" "Get my link again": the same answer for a match and a miss, the link only to the
claim's own address, limited per client and per contact."""

import pytest

from claims.tests.factories import ClaimFactory
from notifications.models import Notification
from notifications.services import full_context
from repairs.my_repair.views import LINK_REQUESTS_PER_ADDRESS, LINK_REQUESTS_PER_CONTACT
from repairs.tests.my_repair.helpers import my_path

pytestmark = pytest.mark.django_db

URL = "/my/"


def _answer(client, contact, **extra):
    return client.post(URL, {"contact": contact}, **extra)


def _wire(response) -> tuple:
    """What the client receives, the Date header aside."""
    headers = tuple(sorted((k, v) for k, v in response.headers.items() if k.lower() != "date"))
    return response.status_code, headers, response.content


def test_a_match_and_a_miss_get_byte_identical_answers(client):
    claim = ClaimFactory(email="aigerim@example.kz", phone="+77012345678")
    match = _answer(client, "Aigerim@Example.kz", REMOTE_ADDR="10.0.0.1")
    miss = _answer(client, "nobody@example.kz", REMOTE_ADDR="10.0.0.2")
    assert _wire(match) == _wire(miss)
    assert match.status_code == 302 and match["Location"] == "/my/sent/"
    assert Notification.objects.filter(template="my_link").count() == 1
    sent = Notification.objects.get(template="my_link")
    assert sent.recipient == claim.email
    assert full_context(sent.context)["my_url"].endswith(my_path(claim))
    followed = client.get(match["Location"])
    assert followed.status_code == 200


def test_a_phone_in_any_spelling_finds_the_claim_and_the_link_goes_to_its_email(client):
    claim = ClaimFactory(email="owner@example.kz", phone="+77012345678")
    _answer(client, "8 (701) 234-56-78")
    sent = Notification.objects.get(template="my_link")
    assert sent.recipient == "owner@example.kz"
    assert claim.status_events.filter(transition="resend_link", by_customer=True).exists()


def test_what_is_not_an_email_or_phone_gets_a_clear_message(client):
    response = _answer(client, "<script>alert(1)</script>")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert 'class="errorlist' in html


def test_per_contact_the_link_goes_out_a_few_times_an_hour_and_the_answer_stays_the_same(client):
    ClaimFactory(email="aigerim@example.kz")
    answers = {
        _wire(_answer(client, "aigerim@example.kz", REMOTE_ADDR=f"10.0.1.{n}"))
        for n in range(LINK_REQUESTS_PER_CONTACT + 2)
    }
    assert len(answers) == 1
    assert Notification.objects.filter(template="my_link").count() == LINK_REQUESTS_PER_CONTACT


def test_per_client_the_form_is_limited(client):
    for n in range(LINK_REQUESTS_PER_ADDRESS):
        assert _answer(client, f"x{n}@example.kz").status_code == 302
    limited = _answer(client, "last@example.kz")
    assert limited.status_code == 429
    assert limited["Retry-After"]
    assert 'value="last@example.kz"' in limited.content.decode()  # what was typed stays


def test_an_expired_claim_gets_no_link(client):
    import datetime

    from django.utils import timezone

    ClaimFactory(
        email="old@example.kz",
        status="closed",
        ended_at=timezone.now() - datetime.timedelta(days=120),
    )
    _answer(client, "old@example.kz")
    assert not Notification.objects.filter(template="my_link").exists()
