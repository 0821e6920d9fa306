"""The providers' webhooks as Meta and the gateway call them: the handshake, real
HMAC-SHA256 signatures, repeated and out-of-order statuses, the SMS fallback once."""

import datetime
import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from notifications import phone
from notifications.models import InboundPhoneMessage, PhoneMessage, PhoneStatusEvent
from notifications.tests.conftest import make_phone_message

pytestmark = pytest.mark.django_db
Status = PhoneMessage.Status


def signed(body: bytes, secret: str = "test-app-secret") -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def status_payload(message, *statuses, tracker=True, errors=None) -> dict:
    def one(status, n):
        item = {
            "id": message.provider_message_id or "wamid.LOST",
            "status": status,
            "timestamp": str(1765100000 + n),
            "recipient_id": message.recipient.lstrip("+"),
        }
        if tracker:
            item["biz_opaque_callback_data"] = f"dreame-phone:{message.pk}"
        if status == "failed":
            item["errors"] = errors or [{"code": 131026, "title": "Message undeliverable"}]
        return item

    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "statuses": [one(s, n) for n, s in enumerate(statuses)],
                        },
                    }
                ],
            }
        ],
    }


@pytest.fixture
def post_hook(client, eager_celery, django_capture_on_commit_callbacks):
    def post(payload, *, signature=None):
        body = json.dumps(payload).encode()
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/hooks/whatsapp/",
                data=body,
                content_type="application/json",
                headers={"X-Hub-Signature-256": signature or signed(body)},
            )

    return post


def sent_message(**fields):
    message = make_phone_message(**fields)
    phone.send_phone_message(message_id=message.pk)
    message.refresh_from_db()
    return message


def test_the_verification_handshake_echoes_the_challenge(client, phone_provider):
    response = client.get(
        "/hooks/whatsapp/",
        {"hub.mode": "subscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "1158"},
    )
    assert response.status_code == 200
    assert response.content == b"1158"


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
)
def test_a_wrong_handshake_is_refused(client, phone_provider, query):
    assert client.get("/hooks/whatsapp/", query).status_code == 403


def test_without_a_verify_token_setting_no_handshake_passes(client, settings):
    settings.WHATSAPP_VERIFY_TOKEN = ""
    query = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    assert client.get("/hooks/whatsapp/", query).status_code == 403


@pytest.mark.parametrize(
    "signature",
    [
        "sha256=" + "0" * 64,
        "",
        "sha1=abc",
        None,  # signed with another secret, below
    ],
)
def test_a_forged_or_unsigned_post_is_refused_and_changes_nothing(
    client, phone_provider, signature
):
    message = sent_message()
    body = json.dumps(status_payload(message, "delivered")).encode()
    header = signature if signature is not None else signed(body, "not-our-secret")

    response = client.post(
        "/hooks/whatsapp/",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": header},
    )

    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert not PhoneStatusEvent.objects.exists()


def test_a_body_changed_after_signing_is_refused(client, phone_provider):
    message = sent_message()
    body = json.dumps(status_payload(message, "delivered")).encode()
    header = signed(body)
    response = client.post(
        "/hooks/whatsapp/",
        data=body.replace(b"delivered", b"read"),
        content_type="application/json",
        headers={"X-Hub-Signature-256": header},
    )
    assert response.status_code == 403


def test_statuses_are_recorded_once_and_move_forward_only(phone_provider, post_hook):
    message = sent_message()

    assert post_hook(status_payload(message, "delivered")).status_code == 200
    assert post_hook(status_payload(message, "delivered")).status_code == 200  # repeated
    message.refresh_from_db()
    assert message.status == Status.DELIVERED

    post_hook(status_payload(message, "read"))
    post_hook(status_payload(message, "sent"))  # late, out of order
    post_hook(status_payload(message, "delivered"))

    message.refresh_from_db()
    assert message.status == Status.READ
    assert sorted(message.status_events.values_list("status", flat=True)) == [
        "delivered",
        "read",
        "sent",
    ]


def test_read_without_delivered_is_read(phone_provider, post_hook):
    message = sent_message()
    post_hook(status_payload(message, "read"))
    message.refresh_from_db()
    assert message.status == Status.READ


def test_a_status_is_matched_by_the_wamid_without_a_tracker(phone_provider, post_hook):
    message = sent_message()
    post_hook(status_payload(message, "delivered", tracker=False))
    message.refresh_from_db()
    assert message.status == Status.DELIVERED


def test_an_unknown_row_is_reconciled_by_its_tracker(phone_provider, post_hook):
    from notifications.tests.loopback import Answer

    phone_provider.script("whatsapp", Answer(hang=2))
    message = make_phone_message()
    phone.send_phone_message(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.UNKNOWN

    payload = status_payload(message, "sent")
    payload["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = "wamid.REAL"
    post_hook(payload)

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.provider_message_id == "wamid.REAL"
    assert len(phone_provider.sent("whatsapp")) == 1


def test_a_failed_status_sends_the_sms_fallback_once_however_often_it_comes(
    phone_provider, post_hook
):
    message = sent_message(fallback_recipient="+77017654321")

    for _ in range(3):
        assert post_hook(status_payload(message, "failed")).status_code == 200
    post_hook(status_payload(message, "sent", "failed"))

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert "131026" in message.last_error
    [sms] = phone_provider.sent("sms")
    assert sms.body["phones"] == "+77017654321"
    assert PhoneMessage.objects.filter(channel="sms", fallback_of=message).count() == 1
    assert phone.fall_back_silent_whatsapp() == 0


def test_a_failed_status_after_delivery_changes_nothing(phone_provider, post_hook):
    message = sent_message(fallback_recipient="+77017654321")
    post_hook(status_payload(message, "delivered"))
    post_hook(status_payload(message, "failed"))
    message.refresh_from_db()
    assert message.status == Status.DELIVERED
    assert phone_provider.sent("sms") == []


def test_the_post_is_answered_before_the_work_and_kept_when_the_work_cannot_run(
    client, phone_provider, eager_celery, django_capture_on_commit_callbacks, monkeypatch
):
    # The broker is down: the POST is kept, answered 200, and the sweeper works it later.
    from notifications.tasks import process_webhook_task

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(process_webhook_task, "apply_async", broker_down)
    message = sent_message()
    body = json.dumps(status_payload(message, "delivered")).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/hooks/whatsapp/",
            data=body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": signed(body)},
        )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == Status.SENT

    monkeypatch.undo()
    later = timezone.now() + datetime.timedelta(minutes=5)
    assert phone.sweep_phone_outbox(now=later)["webhooks"] == 1
    message.refresh_from_db()
    assert message.status == Status.DELIVERED


def test_a_customers_reply_is_kept_once_and_handed_to_the_handlers(
    phone_provider, post_hook, settings
):
    settings.OUTBOX_INBOUND_HANDLERS = ["notifications.tests.test_webhooks.remember"]
    phone._inbound_handlers.cache_clear()
    remembered.clear()
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messages": [
                                {
                                    "from": "77011234567",
                                    "id": "wamid.IN1",
                                    "timestamp": "1765100000",
                                    "type": "text",
                                    "text": {"body": "Когда будет готово?"},
                                }
                            ]
                        },
                    }
                ]
            }
        ],
    }
    try:
        post_hook(payload)
        post_hook(payload)
    finally:
        phone._inbound_handlers.cache_clear()

    [inbound] = InboundPhoneMessage.objects.all()
    assert (inbound.sender, inbound.text) == ("+77011234567", "Когда будет готово?")
    assert remembered == [inbound.pk]


remembered: list[int] = []


def remember(inbound):
    remembered.append(inbound.pk)


def test_the_sms_gateways_report_needs_the_token(client, phone_provider):
    message = sent_message(channel=PhoneMessage.Channel.SMS)
    for query in ("", "?token=wrong"):
        response = client.post(f"/hooks/sms/{query}", {"id": message.pk, "status": "1"})
        assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_the_sms_gateways_reports_move_the_row_forward_once(
    client, phone_provider, eager_celery, django_capture_on_commit_callbacks
):
    message = sent_message(channel=PhoneMessage.Channel.SMS)
    url = "/hooks/sms/?token=test-sms-hook-token"
    with django_capture_on_commit_callbacks(execute=True):
        for status in ("1", "1", "0"):
            assert client.post(url, {"id": message.pk, "status": status}).status_code == 200
    message.refresh_from_db()
    assert message.status == Status.DELIVERED
    assert message.status_events.count() == 2


def test_an_undeliverable_sms_report_fails_the_row(
    client, phone_provider, eager_celery, django_capture_on_commit_callbacks
):
    message = sent_message(channel=PhoneMessage.Channel.SMS)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/hooks/sms/?token=test-sms-hook-token",
            {"id": message.pk, "status": "20", "err": "1"},
        )
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert "SMSC status 20" in message.last_error


def test_a_signed_body_of_an_unknown_shape_is_kept_and_not_retried(phone_provider, post_hook):
    from notifications.models import WebhookDelivery

    assert post_hook({"entry": ["not a dict"]}).status_code == 200
    assert post_hook({"entry": [{"changes": [{"value": {"statuses": [42]}}]}]}).status_code == 200

    assert WebhookDelivery.objects.filter(processed_at__isnull=True).count() == 0
    later = timezone.now() + datetime.timedelta(minutes=5)
    assert phone.sweep_phone_outbox(now=later)["webhooks"] == 0
    # After a month they go.
    phone.sweep_phone_outbox(now=timezone.now() + datetime.timedelta(days=31))
    assert not WebhookDelivery.objects.exists()
