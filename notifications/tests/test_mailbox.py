"""The mailbox's own rules: where it connects, the outbox's stored Message-ID a reply is
matched by, and a handler's failure kept aside instead of crashing the poll."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from notifications import mailbox, services
from notifications.mailbox import MailboxConfig, mailbox_config
from notifications.models import InboundEmail, Notification
from notifications.tests.conftest import make_notification


@pytest.mark.parametrize(
    ("url", "config"),
    [
        (
            "imaps://support%40dreame.tech:p%40ss@imap.example.kz:993/INBOX",
            MailboxConfig("imap.example.kz", 993, "support@dreame.tech", "p@ss", "INBOX", True),
        ),
        (
            "imaps://u:p@mail.example.kz",
            MailboxConfig("mail.example.kz", 993, "u", "p", "INBOX", True),
        ),
        (
            "imap://u:p@127.0.0.1:1143/Support",
            MailboxConfig("127.0.0.1", 1143, "u", "p", "Support", False),
        ),
    ],
)
def test_it_reads_the_mailbox_url(url, config):
    assert mailbox_config(url) == config


@pytest.mark.parametrize("url", ["pop3://u:p@host/", "imaps:///INBOX", "host:993"])
def test_a_wrong_mailbox_url_fails_loudly(url):
    with pytest.raises(ImproperlyConfigured):
        mailbox_config(url)


@pytest.mark.django_db
def test_a_queued_email_keeps_the_message_id_it_is_sent_with():
    notification = services.queue_email(
        event_key="claim:CL-1:claim_received:1",
        recipient="a@example.kz",
        template="claim_received",
        language="ru",
        context={},
    )

    assert notification.message_id == services.message_id_for(notification)
    assert services.build_message(notification).extra_headers["Message-ID"] == (
        notification.message_id
    )


@pytest.mark.django_db
def test_the_migration_gives_older_rows_the_message_id_they_were_sent_with():
    older = make_notification()
    Notification.objects.filter(pk=older.pk).update(message_id="")
    migration = importlib.import_module("notifications.migrations.0006_inbound_email")

    migration.backfill_message_ids(apps, None)

    older.refresh_from_db()
    assert older.message_id == services.message_id_of(
        event_key=older.event_key, recipient=older.recipient
    )


@pytest.mark.django_db
def test_a_handler_that_fails_sets_the_message_aside_and_the_poll_goes_on(settings, monkeypatch):
    def broken(inbound):
        raise RuntimeError("the claims app is broken")

    monkeypatch.setattr(mailbox, "_handlers", lambda: [broken])
    first = mailbox.store_message(raw=b"From: a@example.kz\r\nMessage-ID: <1@x>\r\n\r\nHi")
    second = mailbox.store_message(raw=b"From: b@example.kz\r\nMessage-ID: <2@x>\r\n\r\nHi")

    assert mailbox.hand_on_received() == {"handed": 0}

    for inbound in (first, second):
        inbound.refresh_from_db()
        assert inbound.state == InboundEmail.State.ASIDE
        assert inbound.aside == InboundEmail.Aside.NOT_FILED
        assert inbound.reason == "RuntimeError: the claims app is broken"
