"""A customer's WhatsApp message, posted by Meta to /hooks/whatsapp/, lands in the claim's
history for support, unanswered until support writes after it."""

import hashlib
import hmac
import json

import pytest
from django.utils import translation

from claims import services
from claims.models import Claim, ClaimStatus, StatusEvent
from claims.phone_replies import unanswered_replies
from claims.tests.factories import ClaimFactory
from notifications.tests.conftest import phone_provider  # noqa: F401 - the fixture
from repairs.history import case_history
from repairs.tests.factories import SupportUserFactory

pytestmark = pytest.mark.django_db


def post_reply(client, captured, *, sender="77019998877", text="Когда будет готово?", id="IN1"):
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
                                    "from": sender,
                                    "id": f"wamid.{id}",
                                    "timestamp": "1765100000",
                                    "type": "text",
                                    "text": {"body": text},
                                }
                            ]
                        },
                    }
                ]
            }
        ],
    }
    body = json.dumps(payload).encode()
    signature = hmac.new(b"test-app-secret", body, hashlib.sha256).hexdigest()
    with captured(execute=True):
        return client.post(
            "/hooks/whatsapp/",
            data=body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": f"sha256={signature}"},
        )


def test_a_reply_lands_in_the_newest_open_claim_once_and_unanswered(
    client,
    phone_provider,  # noqa: F811
    eager_celery,
    django_capture_on_commit_callbacks,
):
    older = ClaimFactory(whatsapp="+77019998877")
    newest = ClaimFactory(whatsapp="+77019998877")
    ClaimFactory(whatsapp="+77019998877", status=ClaimStatus.CLOSED)

    assert post_reply(client, django_capture_on_commit_callbacks).status_code == 200
    post_reply(client, django_capture_on_commit_callbacks)  # Meta repeats itself

    [reply] = StatusEvent.objects.filter(transition="whatsapp_reply")
    assert reply.claim == newest
    assert reply.by_customer
    assert reply.internal_note == "Когда будет готово?"
    assert list(unanswered_replies(Claim.objects.all())) == [newest]
    for language, what, who in [
        ("ru", "Клиент написал в WhatsApp", "Клиент"),
        ("kk", "Клиент WhatsApp-қа жазды", "Клиент"),
        ("en", "Customer wrote on WhatsApp", "Customer"),
    ]:
        with translation.override(language):
            history = case_history(newest)
            [row] = [r for r in history if r.internal_note == "Когда будет готово?"]
            assert (str(row.what), row.who) == (what, who)
    assert older.status_events.count() == 0

    services.record_status_event(
        claim=newest,
        transition="note",
        from_status=newest.status,
        to_status=newest.status,
        by=SupportUserFactory(),
        internal_note="Called back.",
    )
    assert not unanswered_replies(Claim.objects.all()).exists()


def test_a_message_from_a_number_no_claim_has_is_kept_and_filed_nowhere(
    client,
    phone_provider,  # noqa: F811
    eager_celery,
    django_capture_on_commit_callbacks,
):
    from notifications.models import InboundPhoneMessage

    ClaimFactory(whatsapp="+77019998877")
    post_reply(client, django_capture_on_commit_callbacks, sender="77000000000")

    assert InboundPhoneMessage.objects.get().sender == "+77000000000"
    assert not StatusEvent.objects.filter(transition="whatsapp_reply").exists()
