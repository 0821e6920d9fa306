"""Support follows the news on the customer's phone: every WhatsApp and SMS attempt on the
claim page (channel, status, time, error), and the failures per channel on the dashboard."""

import pytest
from django.test import Client

from claims.phone_replies import WHATSAPP_REPLY
from claims.services import record_status_event
from claims.tests.factories import ClaimFactory
from notifications.models import Notification, PhoneMessage
from repairs.tests.factories import SupportUserFactory
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

CLAIMS = "/admin/claims/claim/"


@pytest.fixture
def support():
    client = Client()
    client.force_login(SupportUserFactory())
    return client


def phone_row(claim, channel, status, *, error="", template="claim_received"):
    return PhoneMessage.objects.create(
        channel=channel,
        event_key=f"claim:{claim.number}:{template}:1",
        recipient="+77015554433",
        language="ru",
        template=template,
        status=status,
        last_error=error,
    )


@pytest.mark.parametrize(
    ("language", "row"),
    [
        ("ru", "Заявка принята WhatsApp +7 701 555 44 33 Ошибка"),
        ("en", "Claim received WhatsApp +7 701 555 44 33 Failed"),
    ],
)
def test_the_claim_page_lists_every_phone_attempt_with_its_error(support, language, row):
    claim = ClaimFactory(notify_whatsapp=True, notify_sms=True, whatsapp="+77015554433")
    phone_row(claim, "whatsapp", "failed", error="131026: message undeliverable")
    phone_row(claim, "sms", "delivered")
    other = ClaimFactory()
    phone_row(other, "sms", "failed", error="another claim's error")

    html = support.get(
        f"/admin/claims/claim/{claim.pk}/change/", headers={"accept-language": language}
    ).content.decode()

    section = html[html.index('id="triage-phone-title"') :]
    text = visible_text(section[: section.index("</section>")])
    assert row in text
    assert "131026: message undeliverable" in text
    assert "SMS" in text
    assert "another claim's error" not in text


def test_a_claim_with_email_only_says_so(support):
    claim = ClaimFactory()

    html = support.get(
        f"/admin/claims/claim/{claim.pk}/change/", headers={"accept-language": "ru"}
    ).content.decode()

    assert "Клиент выбрал только e-mail." in visible_text(html)


def test_the_dashboard_counts_failures_per_channel_and_links_to_them(support):
    claim = ClaimFactory()
    phone_row(claim, "whatsapp", "failed")
    phone_row(claim, "whatsapp", "failed", template="claim_approved")
    phone_row(claim, "sms", "delivered")
    Notification.objects.create(
        event_key="claim:CL-1:claim_received:1",
        recipient="a@example.kz",
        language="ru",
        template="claim_received",
        status="failed",
    )

    html = support.get("/admin/", headers={"accept-language": "ru"}).content.decode()

    section = html[html.index('id="dash-failed"') :]
    section = section[: section.index("</section>")]
    assert "Сообщения клиентам, которые не удалось доставить" in visible_text(section)
    assert "1 Письмо" in visible_text(section)
    assert "2 WhatsApp" in visible_text(section) and "0 SMS" in visible_text(section)
    assert (
        'href="/admin/notifications/phonemessage/?status__exact=failed&amp;channel__exact=whatsapp"'
        in section
    )


def test_a_whatsapp_message_is_unanswered_until_support_acts(support):
    claim = ClaimFactory(whatsapp="+77015554433")
    quiet = ClaimFactory()
    record_status_event(
        claim=claim,
        transition=WHATSAPP_REPLY,
        from_status=claim.status,
        to_status=claim.status,
        by_customer=True,
        internal_note="Когда заберёте пылесос?",
    )
    unanswered = f"{CLAIMS}?awaiting=whatsapp"

    listed = visible_text(
        support.get(unanswered, headers={"accept-language": "ru"}).content.decode()
    )
    dashboard = support.get("/admin/", headers={"accept-language": "ru"}).content.decode()

    assert claim.number in listed and quiet.number not in listed
    assert f'href="{CLAIMS}?awaiting=any"' in dashboard
    assert "1 с письмом или сообщением в WhatsApp без ответа" in visible_text(dashboard)

    record_status_event(
        claim=claim,
        transition="note",
        from_status=claim.status,
        to_status=claim.status,
        by=SupportUserFactory(),
        internal_note="Ответили в WhatsApp: заберём завтра",
    )
    listed = visible_text(support.get(unanswered).content.decode())
    assert claim.number not in listed
