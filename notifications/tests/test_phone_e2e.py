"""End to end with real parts: PostgreSQL, Redis, one Celery worker process, and the
loopback provider speaking the Cloud API and SMSC.kz over HTTP.

A consenting customer's claim reaches WhatsApp once, through a provider outage; a signed
`failed` webhook, repeated, makes exactly one SMS. Transactional tests: the worker is
another process and sees only committed rows.
"""

import hashlib
import hmac
import json
import os
import time
import uuid

import pytest
from django.conf import settings

from claims import services as claim_services
from claims.models import WarrantyPolicy
from dreame_service.celery import app as celery_app
from notifications.models import PhoneMessage
from notifications.tests.loopback import LoopbackProvider
from notifications.tests.test_outbox_e2e import claim_data as email_claim_data
from tests import real_stack

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
APP_SECRET = "e2e-app-secret"


@pytest.fixture(scope="module")
def provider():
    fake = LoopbackProvider().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, provider):
    if not settings.REDIS_URL or "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        yield None  # the `redis_url` / `postgres_db` fixtures skip each test
        return
    queue = f"test-phone-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": real_stack.test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "OUTBOX_MAX_ATTEMPTS": "5",
        "OUTBOX_RETRY_BASE_SECONDS": "0.5",
        "OUTBOX_RETRY_MAX_SECONDS": "1",
        "CONN_MAX_AGE": "0",
        "SECRET_KEY": "test-only-secret-key",
        "WHATSAPP_API_URL": provider.whatsapp_url,
        "WHATSAPP_PHONE_NUMBER_ID": "109876543210",
        "WHATSAPP_ACCESS_TOKEN": "e2e-token",
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "SMS_API_URL": provider.url,
        "SMS_LOGIN": "dreame",
        "SMS_PASSWORD": "e2e-password",
        "SMS_SEND_HOURS": "00-24",
        "PHONE_CONNECT_TIMEOUT_SECONDS": "1",
    }
    process = real_stack.celery_worker(queue, queue=queue, env=env)
    previous = celery_app.conf.task_default_queue, celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = queue, False
    yield process
    celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = previous
    process.stop()


@pytest.fixture
def phones(redis_url, postgres_db, worker, provider, settings):
    """This process queues (and takes webhooks) with the worker's provider settings."""
    settings.WHATSAPP_API_URL = provider.whatsapp_url
    settings.WHATSAPP_PHONE_NUMBER_ID = "109876543210"
    settings.WHATSAPP_APP_SECRET = APP_SECRET
    settings.SMS_API_URL = provider.url
    settings.SMS_LOGIN = "dreame"
    if not provider.running:
        provider.start()
    provider.requests.clear()
    WarrantyPolicy.objects.get_or_create(country="KZ")
    yield provider
    if not provider.running:
        provider.start()


def claim_data(**consent):
    return {**email_claim_data(), "whatsapp": "+77019998877", **consent}


def wait_for(check, *, timeout=15, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def test_a_consenting_customer_gets_the_news_on_whatsapp_once_through_an_outage(phones):
    phones.stop()
    claim = claim_services.submit_claim(data=claim_data(notify_whatsapp=True), language="ru")
    row = PhoneMessage.objects.get(event_key__startswith=f"claim:{claim.number}:")
    wait_for(
        lambda: PhoneMessage.objects.get(pk=row.pk).attempts >= 1,
        what="a first attempt against the dead provider",
    )
    assert PhoneMessage.objects.get(pk=row.pk).status in ("pending", "sending")

    phones.start()

    wait_for(lambda: PhoneMessage.objects.get(pk=row.pk).status == "sent", what="sent")
    time.sleep(0.5)
    [request] = phones.sent("whatsapp")
    assert request.body["to"] == "77019998877"
    assert claim.number in json.dumps(request.body["template"], ensure_ascii=False)


def test_a_repeated_failed_webhook_sends_one_sms(phones, client):
    claim = claim_services.submit_claim(
        data=claim_data(notify_whatsapp=True, notify_sms=True),
        language="kk",
    )
    row = PhoneMessage.objects.get(event_key__startswith=f"claim:{claim.number}:")
    wait_for(lambda: PhoneMessage.objects.get(pk=row.pk).status == "sent", what="sent")
    row.refresh_from_db()
    status = {
        "id": row.provider_message_id,
        "status": "failed",
        "timestamp": "1765100000",
        "recipient_id": "77019998877",
        "biz_opaque_callback_data": f"dreame-phone:{row.pk}",
        "errors": [{"code": 131026, "title": "Message undeliverable"}],
    }
    body = json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"changes": [{"value": {"statuses": [status]}}]}],
        }
    ).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()

    for _ in range(3):
        response = client.post(
            "/hooks/whatsapp/",
            data=body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": signature},
        )
        assert response.status_code == 200

    wait_for(lambda: len(phones.sent("sms")) == 1, what="the fallback SMS")
    time.sleep(0.7)
    [sms] = phones.sent("sms")
    assert sms.body["phones"] == claim.phone.as_e164
    assert claim.number in sms.body["mes"]
    row.refresh_from_db()
    assert row.status == "failed"
    assert PhoneMessage.objects.filter(fallback_of=row, status="sent").count() == 1
