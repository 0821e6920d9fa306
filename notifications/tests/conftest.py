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
