"""The claim's news on the customer's phone, as they chose it (DESIGN §7): the loopback
provider receives what Meta and the gateway would."""

import pytest

from claims import services
from claims.tests.test_services import claim_data
from notifications.models import Notification, PhoneMessage
from notifications.tests.conftest import phone_provider  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def submit(django_capture_on_commit_callbacks, serial_number="L20U2405K0001", **consent):
    data = claim_data(
        phone="+77015551234", whatsapp="+77019998877", serial_number=serial_number, **consent
    )
    with django_capture_on_commit_callbacks(execute=True):
        return services.submit_claim(data=data, language="kk")


def test_with_both_consents_whatsapp_carries_the_news_and_sms_is_its_fallback(
    phone_provider,  # noqa: F811
    eager_celery,
    django_capture_on_commit_callbacks,
):
    claim = submit(django_capture_on_commit_callbacks, notify_whatsapp=True, notify_sms=True)

    [message] = PhoneMessage.objects.all()
    assert (message.channel, message.recipient) == ("whatsapp", "+77019998877")
    assert message.fallback_recipient == "+77015551234"
    assert message.language == "kk"
    assert message.status == PhoneMessage.Status.SENT
    [request] = phone_provider.sent("whatsapp")
    assert request.body["to"] == "77019998877"
    parameters = [p["text"] for p in request.body["template"]["components"][0]["parameters"]]
    assert claim.number in parameters
    # The personal link is made when sending, the row keeps only the ask for it.
    assert any("/my/" in text for text in parameters)
    assert "my_url" not in message.context
    assert phone_provider.sent("sms") == []
    # E-mail stays the written record.
    assert Notification.objects.filter(template="claim_received").count() == 1


def test_with_sms_alone_the_news_goes_by_sms_to_the_phone(
    phone_provider,  # noqa: F811
    eager_celery,
    django_capture_on_commit_callbacks,
):
    claim = submit(django_capture_on_commit_callbacks, notify_sms=True)

    [message] = PhoneMessage.objects.all()
    assert (message.channel, message.recipient) == ("sms", "+77015551234")
    [request] = phone_provider.sent("sms")
    assert claim.number in request.body["mes"]
    assert "/my/" in request.body["mes"]
    assert phone_provider.sent("whatsapp") == []


def test_without_consent_the_customer_gets_e_mail_only(
    phone_provider,  # noqa: F811
    eager_celery,
    django_capture_on_commit_callbacks,
):
    submit(django_capture_on_commit_callbacks)

    assert not PhoneMessage.objects.exists()
    assert phone_provider.requests == type(phone_provider.requests)()
    assert Notification.objects.filter(template="claim_received").count() == 1


def test_a_channel_not_configured_is_skipped(
    phone_provider,  # noqa: F811
    eager_celery,
    django_capture_on_commit_callbacks,
    settings,
):
    settings.WHATSAPP_PHONE_NUMBER_ID = ""
    submit(django_capture_on_commit_callbacks, notify_whatsapp=True, notify_sms=True)

    [message] = PhoneMessage.objects.all()
    assert (message.channel, message.recipient) == ("sms", "+77015551234")

    settings.SMS_LOGIN = ""
    PhoneMessage.objects.all().delete()
    submit(
        django_capture_on_commit_callbacks,
        serial_number="L20U2405K0002",
        notify_whatsapp=True,
        notify_sms=True,
    )
    assert not PhoneMessage.objects.exists()


def test_staff_e_mails_never_reach_a_phone(
    phone_provider,  # noqa: F811
    eager_celery,
    django_capture_on_commit_callbacks,
):
    submit(django_capture_on_commit_callbacks, notify_whatsapp=True)
    assert set(PhoneMessage.objects.values_list("template", flat=True)) == {"claim_received"}


def test_an_order_step_in_the_phone_events_reaches_the_phone_like_the_claims(
    phone_provider,  # noqa: F811
    eager_celery,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    # The order's e-mails go through the same place as the claim's; which of them reach the
    # phone is phone_texts' choice.
    from notifications import phone_texts
    from repairs.models import OrderStatus
    from repairs.tests.factories import make_order

    monkeypatch.setattr(phone_texts, "PHONE_EVENTS", frozenset({"product_received"}))
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(
            status=OrderStatus.RECEIVED,
            whatsapp="+77019998877",
            notify_whatsapp=True,
            notify_sms=True,
        )

    [message] = PhoneMessage.objects.all()
    assert message.template == "product_received"
    assert message.event_key.startswith(f"order:{order.order_number}:product_received:")
    assert (message.channel, message.fallback_recipient) == ("whatsapp", "+77012345678")
    assert len(phone_provider.sent("whatsapp")) == 1
