""" "Get my link again": the same answer for a match and a miss, the link only to the
claim's own address, limited per client and per contact."""

import datetime
from unittest import mock

import pytest
from django.test import TestCase
from django.utils import timezone
from kombu.exceptions import OperationalError

from claims import link_requests, tasks
from claims import services as claim_services
from claims.models import LinkRequest
from claims.tests.factories import ClaimFactory
from notifications.models import Notification
from notifications.services import full_context
from repairs.public.my_repair.views import LINK_REQUESTS_PER_ADDRESS, LINK_REQUESTS_PER_CONTACT
from repairs.tests.my_repair.helpers import my_path

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

URL = "/my/"


def _answer(client, contact, **extra):
    """The POST, then what its commit hands to the broker (here an eager worker)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(URL, {"contact": contact}, **extra)


# The broker's refusal, as kombu raises it when Redis is unreachable.
REFUSED = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def _broker_down():
    return mock.patch.object(tasks.answer_link_request_task, "apply_async", side_effect=REFUSED)


def _wire(response) -> tuple:
    """What the client receives, the headers that carry the clock aside (never_cache sets
    Expires to now, like Date: a second boundary between two answers changes both)."""
    clock = {"date", "expires"}
    headers = tuple(sorted((k, v) for k, v in response.headers.items() if k.lower() not in clock))
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


def test_every_spelling_of_one_phone_counts_against_the_same_limit(client):
    ClaimFactory(email="owner@example.kz", phone="+77012345678")
    spellings = ["8 (701) 234-56-78", "+77012345678", "87012345678", "7012345678", "8 701 2345678"]
    for n, spelling in enumerate(spellings):
        assert _answer(client, spelling, REMOTE_ADDR=f"10.0.2.{n}").status_code == 302
    assert Notification.objects.filter(template="my_link").count() == LINK_REQUESTS_PER_CONTACT


def test_the_request_only_hands_the_sending_to_the_worker(client, eager_celery, redis_url):
    # A known contact costs the request what an unknown one costs: one row, one published task.
    eager_celery.conf.task_always_eager = False
    ClaimFactory(email="aigerim@example.kz")
    with mock.patch.object(claim_services, "send_links_again") as sending:
        response = _answer(client, "aigerim@example.kz")
    assert response.status_code == 302
    sending.assert_not_called()
    assert not Notification.objects.filter(template="my_link").exists()
    assert LinkRequest.objects.filter(contact="aigerim@example.kz").exists()


def test_with_the_broker_down_a_known_and_an_unknown_contact_cost_the_request_the_same(
    client, django_assert_num_queries
):
    ClaimFactory(email="aigerim@example.kz", phone="+77012345678")
    answers = []
    with _broker_down():
        for n, contact in enumerate(["aigerim@example.kz", "nobody@example.kz"]):
            # The one INSERT of the request's row; the link is looked up by the worker.
            with django_assert_num_queries(1):
                answers.append(_answer(client, contact, REMOTE_ADDR=f"10.0.3.{n}"))
    assert _wire(answers[0]) == _wire(answers[1])
    assert answers[0]["Location"] == "/my/sent/"
    assert not Notification.objects.exists()  # nothing sent within the request
    assert set(LinkRequest.objects.values_list("contact", flat=True)) == {
        "aigerim@example.kz",
        "nobody@example.kz",
    }


def test_a_request_the_broker_never_got_is_answered_once_by_the_sweep(client):
    claim = ClaimFactory(email="aigerim@example.kz")
    with _broker_down():
        _answer(client, "aigerim@example.kz")
    [waiting] = LinkRequest.objects.all()
    assert link_requests.sweep_link_requests() == {"answered": 0}  # too fresh to be lost

    later = timezone.now() + datetime.timedelta(minutes=2)
    assert link_requests.sweep_link_requests(now=later) == {"answered": 1}
    assert link_requests.sweep_link_requests(now=later) == {"answered": 0}
    tasks.answer_link_request_task(waiting.pk)  # the broker's copy, arriving late

    sent = Notification.objects.get(template="my_link")
    assert sent.recipient == claim.email
    assert not LinkRequest.objects.exists()  # no contact kept once answered


def test_a_request_answered_by_the_worker_is_not_answered_again_by_the_sweep(client):
    ClaimFactory(email="aigerim@example.kz")
    _answer(client, "aigerim@example.kz")
    assert Notification.objects.filter(template="my_link").count() == 1
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert link_requests.sweep_link_requests(now=later) == {"answered": 0}
    assert Notification.objects.filter(template="my_link").count() == 1


def test_a_failed_answer_leaves_the_request_for_the_next_sweep(client):
    ClaimFactory(email="aigerim@example.kz")
    with _broker_down():
        _answer(client, "aigerim@example.kz")
    later = timezone.now() + datetime.timedelta(minutes=2)
    with mock.patch.object(claim_services, "send_links_again", side_effect=RuntimeError("db")):
        assert link_requests.sweep_link_requests(now=later) == {"answered": 0}
    assert LinkRequest.objects.count() == 1  # the deletion rolled back with the failure
    assert link_requests.sweep_link_requests(now=later) == {"answered": 1}
    assert Notification.objects.filter(template="my_link").count() == 1
