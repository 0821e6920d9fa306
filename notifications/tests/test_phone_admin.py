"""Support reads every WhatsApp message and SMS in the admin: channel, status, the
provider's reports, the error; a failed one can be sent again."""

import pytest
from django.test import Client

from notifications import phone
from notifications.models import PhoneMessage
from notifications.tests.conftest import make_phone_message
from repairs.tests.factories import SupportUserFactory

pytestmark = pytest.mark.django_db
PHONE_OUTBOX = "/admin/notifications/phonemessage/"


@pytest.mark.parametrize(
    ("language", "label", "failed"),
    [
        ("ru", "Заявка принята", "Ошибка"),
        ("kk", "Өтінім қабылданды", "Қате"),
        ("en", "Claim received", "Failed"),
    ],
)
def test_support_sees_each_message_its_status_and_error(language, label, failed):
    message = make_phone_message(
        status=PhoneMessage.Status.FAILED, last_error="131026: undeliverable"
    )
    phone.record_status(message, status=PhoneMessage.Status.FAILED, error="131026: undeliverable")
    client = Client()
    client.force_login(SupportUserFactory())

    listing = client.get(PHONE_OUTBOX, headers={"accept-language": language})
    page = client.get(f"{PHONE_OUTBOX}{message.pk}/change/", headers={"accept-language": language})

    assert listing.status_code == 200
    html = listing.content.decode()
    assert f'<td class="field-message">{label}</td>' in html
    assert "+77011234567" in html
    assert f'<td class="field-status">{failed}</td>' in html
    assert "131026: undeliverable" in html
    assert page.status_code == 200
    assert "131026: undeliverable" in page.content.decode()


def test_a_failed_message_can_be_sent_again_an_unknown_one_cannot(
    django_capture_on_commit_callbacks,
):
    failed = make_phone_message(status=PhoneMessage.Status.FAILED, attempts=8)
    unknown = make_phone_message(recipient="+77019998877", status=PhoneMessage.Status.UNKNOWN)

    with django_capture_on_commit_callbacks() as callbacks:
        assert phone.retry_phone_message(message=failed) is True
        assert phone.retry_phone_message(message=unknown) is False

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (PhoneMessage.Status.PENDING, 0)
    assert len(callbacks) == 1
