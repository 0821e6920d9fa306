import pytest

from dreame_service.kit.mailers import smtp_mailer
from notifications.tests.smtp import SmtpSink


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free loopback port; Django's SMTP backend points at it."""
    sink = SmtpSink().start()
    settings.MAILERS = {"default": smtp_mailer(host=sink.host, port=sink.port, timeout=2)}
    yield sink
    sink.stop()


def make_notification(**fields):
    from notifications.models import Notification
    from notifications.tests.samples import CONTEXTS

    values = {
        "event_key": "claim:CL-TEST:claim_received:1",
        "recipient": "customer@example.kz",
        "template": "claim_received",
        "language": "ru",
        "context": CONTEXTS["claim_received"],
    }
    values.update(fields)
    return Notification.objects.create(**values)


@pytest.fixture
def phone_provider(settings):
    """The fake Cloud API and SMSC.kz gateway on a free loopback port, both channels on."""
    from notifications.tests.loopback import LoopbackProvider

    provider = LoopbackProvider().start()
    settings.WHATSAPP_API_URL = provider.whatsapp_url
    settings.WHATSAPP_PHONE_NUMBER_ID = "109876543210"
    settings.WHATSAPP_ACCESS_TOKEN = "test-access-token"
    settings.WHATSAPP_APP_SECRET = "test-app-secret"
    settings.WHATSAPP_VERIFY_TOKEN = "test-verify-token"
    settings.SMS_API_URL = provider.url
    settings.SMS_LOGIN = "dreame"
    settings.SMS_PASSWORD = "test-sms-password"
    settings.SMS_SENDER = "DREAME"
    settings.SMS_SEND_HOURS = "00-24"
    settings.SMS_HOOK_TOKEN = "test-sms-hook-token"
    settings.PHONE_CONNECT_TIMEOUT_SECONDS = 1
    settings.PHONE_READ_TIMEOUT_SECONDS = 0.5
    yield provider
    provider.stop()


def make_phone_message(**fields):
    from notifications.models import PhoneMessage
    from notifications.tests.samples import CUSTOMER

    values = {
        "channel": PhoneMessage.Channel.WHATSAPP,
        "event_key": "claim:CL-TEST:claim_received:1",
        "recipient": "+77011234567",
        "template": "claim_received",
        "language": "ru",
        "context": CUSTOMER,
    }
    values.update(fields)
    return PhoneMessage.objects.create(**values)
