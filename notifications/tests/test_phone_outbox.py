"""The phone outbox against a real HTTP provider on loopback: exactly once per row, retries
for what waiting cures, `unknown` (never resent) for an answer that got lost, the SMS
window, and the SMS fallback of a WhatsApp message, once."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from notifications import phone, phone_texts, services
from notifications.models import PhoneMessage
from notifications.tests.conftest import make_phone_message
from notifications.tests.loopback import Answer, smsc_error, whatsapp_error
from notifications.tests.samples import CUSTOMER

pytestmark = pytest.mark.django_db
Status = PhoneMessage.Status
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


def test_a_whatsapp_message_goes_once_as_the_template_with_our_token_and_tracker(phone_provider):
    message = make_phone_message()

    assert phone.send_phone_message(message_id=message.pk) is True
    assert phone.send_phone_message(message_id=message.pk) is False  # a redelivered task

    [request] = phone_provider.sent("whatsapp")
    assert request.path == "/v23.0/109876543210/messages"
    assert request.headers["Authorization"] == "Bearer test-access-token"
    assert request.body["to"] == "77011234567"
    assert request.body["type"] == "template"
    assert request.body["template"] == phone_texts.whatsapp_template(
        template="claim_received", language="ru", context=CUSTOMER
    )
    assert request.body["biz_opaque_callback_data"] == f"dreame-phone:{message.pk}"
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.provider_message_id.startswith("wamid.TEST")
    assert message.attempts == 1
    assert message.sent_at is not None


def test_an_sms_goes_through_send_php_with_the_gateways_parameters(phone_provider):
    message = make_phone_message(channel=PhoneMessage.Channel.SMS, language="kk")

    assert phone.send_phone_message(message_id=message.pk) is True

    [request] = phone_provider.sent("sms")
    assert request.body == {
        "login": "dreame",
        "psw": "test-sms-password",
        "phones": "+77011234567",
        "mes": phone_texts.sms_text(template="claim_received", language="kk", context=CUSTOMER),
        "sender": "DREAME",
        "charset": "utf-8",
        "fmt": "3",
        "id": str(message.pk),
    }
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.provider_message_id == str(message.pk)


def test_a_provider_outage_loses_nothing_the_row_waits_and_goes_later(
    phone_provider, eager_celery, settings
):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    message = make_phone_message()
    phone_provider.stop()

    with pytest.raises(services.SendLater) as later:
        phone.send_phone_message(message_id=message.pk)

    assert later.value.countdown == 30
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert "ConnectError" in message.last_error
    assert message.next_attempt_at > timezone.now() + datetime.timedelta(seconds=25)
    # In its backoff pause it is not forgotten: the sweeper leaves it to the retry.
    assert phone.sweep_phone_outbox()["phone_due"] == 0

    phone_provider.start()
    later_on = timezone.now() + datetime.timedelta(minutes=5)
    assert phone.sweep_phone_outbox(now=later_on)["phone_published"] == 1

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)
    assert len(phone_provider.sent("whatsapp")) == 1


@pytest.mark.parametrize(
    "answer",
    [
        Answer(status=503, body={"error": {"message": "Service unavailable", "code": 1}}),
        whatsapp_error(130429),  # rate limit
        whatsapp_error(131056),  # pair rate limit
    ],
)
def test_5xx_and_rate_limits_are_tried_again_later(phone_provider, answer):
    phone_provider.script("whatsapp", answer)
    message = make_phone_message()

    with pytest.raises(services.SendLater):
        phone.send_phone_message(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.PENDING

    assert phone.send_phone_message(message_id=message.pk) is True
    assert len(phone_provider.sent("whatsapp")) == 2


def test_the_attempt_limit_fails_the_row(phone_provider, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    phone_provider.script("whatsapp", whatsapp_error(130429), whatsapp_error(130429))
    message = make_phone_message()

    with pytest.raises(services.SendLater):
        phone.send_phone_message(message_id=message.pk)
    assert phone.send_phone_message(message_id=message.pk) is False

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert "130429" in message.last_error


@pytest.mark.parametrize("code", [131026, 131047, 132001])
def test_an_undeliverable_whatsapp_message_fails_at_once_and_falls_back_to_sms_once(
    phone_provider, eager_celery, django_capture_on_commit_callbacks, code
):
    phone_provider.script("whatsapp", whatsapp_error(code))
    message = make_phone_message(fallback_recipient="+77017654321")

    with django_capture_on_commit_callbacks(execute=True):
        assert phone.send_phone_message(message_id=message.pk) is False

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert str(code) in message.last_error
    [sms] = phone_provider.sent("sms")
    assert sms.body["phones"] == "+77017654321"
    fallback = PhoneMessage.objects.get(channel=PhoneMessage.Channel.SMS)
    assert fallback.fallback_of == message
    assert fallback.status == Status.SENT
    # The beat's sweep and a repeated failure never make a second one.
    assert phone.fall_back_silent_whatsapp() == 0
    assert phone.queue_fallback(message) == fallback
    assert PhoneMessage.objects.count() == 2


def test_no_fallback_without_the_customers_sms_consent(phone_provider):
    phone_provider.script("whatsapp", whatsapp_error(131026))
    message = make_phone_message(fallback_recipient="")

    phone.send_phone_message(message_id=message.pk)

    assert PhoneMessage.objects.count() == 1
    assert phone.fall_back_silent_whatsapp() == 0


def test_a_lost_answer_leaves_the_row_unknown_and_it_is_never_sent_again(phone_provider):
    phone_provider.script("whatsapp", Answer(hang=2))  # longer than the read timeout
    message = make_phone_message()

    assert phone.send_phone_message(message_id=message.pk) is False

    message.refresh_from_db()
    assert message.status == Status.UNKNOWN
    assert "ReadTimeout" in message.last_error
    assert phone.send_phone_message(message_id=message.pk) is False
    later_on = timezone.now() + datetime.timedelta(hours=2)
    assert phone.sweep_phone_outbox(now=later_on)["phone_due"] == 0
    assert len(phone_provider.sent("whatsapp")) == 1


def test_a_row_a_dead_worker_left_sending_becomes_unknown_not_resent(phone_provider):
    message = make_phone_message(status=Status.SENDING, attempts=1)
    PhoneMessage.objects.filter(pk=message.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=1)
    )

    assert phone.sweep_phone_outbox()["phone_orphaned"] == 1

    message.refresh_from_db()
    assert message.status == Status.UNKNOWN
    assert phone_provider.sent("whatsapp") == []


def test_a_whatsapp_message_not_delivered_in_time_falls_back_once(
    phone_provider, eager_celery, django_capture_on_commit_callbacks, settings
):
    settings.WHATSAPP_FALLBACK_MINUTES = 30
    message = make_phone_message(fallback_recipient="+77017654321")
    phone.send_phone_message(message_id=message.pk)
    soon = timezone.now() + datetime.timedelta(minutes=10)
    late = timezone.now() + datetime.timedelta(minutes=31)

    assert phone.fall_back_silent_whatsapp(now=soon) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert phone.fall_back_silent_whatsapp(now=late) == 1
    assert phone.fall_back_silent_whatsapp(now=late) == 0

    assert len(phone_provider.sent("sms")) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT  # the WhatsApp row keeps its own story


def test_a_delivered_whatsapp_message_never_falls_back(phone_provider, settings):
    message = make_phone_message(fallback_recipient="+77017654321")
    phone.send_phone_message(message_id=message.pk)
    message.refresh_from_db()
    phone.record_status(message, status=Status.DELIVERED)

    late = timezone.now() + datetime.timedelta(days=1)
    assert phone.fall_back_silent_whatsapp(now=late) == 0


def almaty(hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 12, 7, hour, minute, tzinfo=ALMATY)


def test_an_sms_outside_the_send_hours_waits_for_the_morning(phone_provider, settings):
    settings.SMS_SEND_HOURS = "09-21"
    message = make_phone_message(channel=PhoneMessage.Channel.SMS)

    assert phone.send_phone_message(message_id=message.pk, now=almaty(21, 30)) is False

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 0)
    assert message.next_attempt_at == almaty(9) + datetime.timedelta(days=1)
    assert phone_provider.sent("sms") == []

    assert phone.send_phone_message(message_id=message.pk, now=almaty(9, 1)) is True
    assert len(phone_provider.sent("sms")) == 1


@pytest.mark.parametrize(
    ("hours", "hour", "opens"),
    [
        ("09-21", 8, almaty(9)),
        ("09-21", 9, None),
        ("09-21", 20, None),
        ("09-21", 21, almaty(9) + datetime.timedelta(days=1)),
        ("00-24", 3, None),
    ],
)
def test_the_sms_window_is_local_almaty_time(settings, hours, hour, opens):
    settings.SMS_SEND_HOURS = hours
    assert phone.sms_window_open(almaty(hour).astimezone(datetime.UTC)) == opens


@pytest.mark.parametrize("code", [1, 2, 6, 7, 8])
def test_an_sms_the_gateway_refuses_fails_for_support(phone_provider, code):
    phone_provider.script("sms", smsc_error(code))
    message = make_phone_message(channel=PhoneMessage.Channel.SMS)

    assert phone.send_phone_message(message_id=message.pk) is False

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert f"SMSC error {code}" in message.last_error


def test_an_sms_the_gateway_is_too_busy_for_is_tried_again(phone_provider):
    phone_provider.script("sms", smsc_error(9))
    message = make_phone_message(channel=PhoneMessage.Channel.SMS)

    with pytest.raises(services.SendLater):
        phone.send_phone_message(message_id=message.pk)
    assert phone.send_phone_message(message_id=message.pk) is True


def test_a_channel_switched_off_after_queueing_fails_the_row_instead_of_calling(
    phone_provider, settings
):
    settings.WHATSAPP_PHONE_NUMBER_ID = ""
    message = make_phone_message()

    assert phone.send_phone_message(message_id=message.pk) is False

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert phone_provider.sent("whatsapp") == []


def test_queueing_the_same_event_twice_writes_one_row_per_channel(
    phone_provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(2):
            phone.queue_customer_phone_news(
                event_key="claim:CL-1:claim_received:1",
                template="claim_received",
                language="ru",
                context=CUSTOMER,
                whatsapp="+77011234567",
                sms="+77017654321",
            )
    [row] = PhoneMessage.objects.all()
    assert (row.channel, row.fallback_recipient) == ("whatsapp", "+77017654321")
    assert len(callbacks) == 1
