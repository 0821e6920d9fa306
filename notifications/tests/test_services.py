import datetime

import pytest
from django.utils import timezone

from dreame_service.kit.mailers import smtp_mailer
from notifications import services
from notifications.models import Notification
from notifications.tests.conftest import make_notification
from notifications.tests.smtp import free_port

pytestmark = pytest.mark.django_db


def test_it_sends_one_email_with_both_parts_reply_to_and_a_message_id_from_the_event(
    smtp_server,
):
    notification = make_notification(language="kk")

    assert services.send_notification(notification_id=notification.pk) is True

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "customer@example.kz"
    assert message["Reply-To"] == "dreamesupport@dreame.tech"
    assert message["Message-ID"] == services.message_id_for(notification)
    assert message["Subject"] == "CL-7KQ2M9XW өтініші қабылданды"
    assert message["Content-Language"] == "kk"
    assert message.get_body(("plain",)).get_content().startswith("Сәлеметсіз бе")
    assert '<html lang="kk">' in message.get_body(("html",)).get_content()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1 and notification.sent_at is not None


def test_message_id_is_the_same_for_the_same_event_and_recipient_only():
    first = Notification(event_key="claim:CL-1:claim_received:5", recipient="a@example.kz")
    again = Notification(event_key="claim:CL-1:claim_received:5", recipient="a@example.kz")
    other = Notification(event_key="claim:CL-1:claim_received:5", recipient="b@example.kz")
    assert services.message_id_for(first) == services.message_id_for(again)
    assert services.message_id_for(first) != services.message_id_for(other)
    assert services.message_id_for(first).endswith("@dreame.kz>")


def test_sending_a_sent_row_again_sends_nothing(smtp_server):
    notification = make_notification()
    services.send_notification(notification_id=notification.pk)

    assert services.send_notification(notification_id=notification.pk) is False
    assert services.send_notification(notification_id=notification.pk) is False

    assert len(smtp_server.wait_for(1)) == 1


def test_a_row_another_worker_is_sending_is_left_alone(smtp_server):
    notification = make_notification(status=Notification.Status.SENDING, attempts=1)

    assert services.send_notification(notification_id=notification.pk) is False

    assert smtp_server.messages == []
    notification.refresh_from_db()
    assert notification.attempts == 1


def test_it_keeps_the_row_pending_and_backs_off_while_smtp_is_down(settings):
    # nothing listens there
    settings.MAILERS = {"default": smtp_mailer(host="127.0.0.1", port=free_port())}
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    notification = make_notification()

    with pytest.raises(services.SendLater) as later:
        services.send_notification(notification_id=notification.pk)

    assert later.value.countdown == 30
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.attempts == 1
    assert "ConnectionRefusedError" in notification.last_error
    assert notification.next_attempt_at > timezone.now() + datetime.timedelta(seconds=25)
    # Waiting out its backoff is not "forgotten": the sweeper leaves it to the retry.
    assert services.sweep_outbox()["due"] == 0


def test_it_marks_the_row_failed_at_the_attempt_limit(settings):
    settings.MAILERS = {"default": smtp_mailer(host="127.0.0.1", port=free_port())}
    settings.OUTBOX_MAX_ATTEMPTS = 2
    notification = make_notification(attempts=1)

    assert services.send_notification(notification_id=notification.pk) is False

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 2
    assert "ConnectionRefusedError" in notification.last_error


def test_a_broken_template_fails_the_row_at_once_instead_of_retrying(smtp_server):
    notification = make_notification(template="no_such_email")

    assert services.send_notification(notification_id=notification.pk) is False

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert "TemplateDoesNotExist" in notification.last_error
    assert smtp_server.messages == []


def test_queueing_the_same_event_twice_writes_one_row_and_publishes_once(
    django_capture_on_commit_callbacks,
):
    kwargs = {
        "event_key": "order:7KQ2M9XW4D:delivered:9",
        "recipient": "customer@example.kz",
        "template": "delivered",
        "language": "ru",
        "context": {},
    }
    with django_capture_on_commit_callbacks() as callbacks:
        first = services.queue_email(**kwargs)
        second = services.queue_email(**kwargs)

    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("attempts", "delay"), [(1, 30), (2, 60), (3, 120), (7, 1920), (8, 3600), (20, 3600)]
)
def test_retry_delay_doubles_per_attempt_up_to_the_cap(settings, attempts, delay):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    assert services.retry_delay(attempts=attempts) == delay


def test_the_sweeper_sends_forgotten_rows_and_recovers_rows_of_a_dead_worker(
    smtp_server, eager_celery, settings
):
    settings.OUTBOX_SWEEP_AGE_SECONDS = 60
    settings.OUTBOX_SENDING_STALE_SECONDS = 900
    settings.OUTBOX_BATCH_SIZE = 1  # the sweeper's choice only; a batch would take `fresh` too
    now = timezone.now()
    forgotten = make_notification(event_key="e:forgotten", recipient="forgotten@example.kz")
    fresh = make_notification(event_key="e:fresh", recipient="fresh@example.kz")
    dead = make_notification(event_key="e:dead", recipient="dead@example.kz", attempts=1)
    busy = make_notification(event_key="e:busy", recipient="busy@example.kz", attempts=1)
    Notification.objects.filter(pk=forgotten.pk).update(
        next_attempt_at=now - datetime.timedelta(minutes=2)
    )
    Notification.objects.filter(pk=dead.pk).update(
        status="sending", updated_at=now - datetime.timedelta(minutes=20)
    )
    Notification.objects.filter(pk=busy.pk).update(
        status="sending", updated_at=now - datetime.timedelta(minutes=1)
    )

    result = services.sweep_outbox(now=now)

    assert result == {"recovered": 1, "due": 2, "published": 2}
    assert {m["To"] for m in smtp_server.wait_for(2)} == {
        "forgotten@example.kz",
        "dead@example.kz",
    }
    statuses = dict(Notification.objects.values_list("pk", "status"))
    assert statuses == {
        forgotten.pk: "sent",
        dead.pk: "sent",
        fresh.pk: "pending",
        busy.pk: "sending",
    }


def test_support_retry_resets_only_failed_rows(django_capture_on_commit_callbacks):
    failed = make_notification(status=Notification.Status.FAILED, attempts=8, last_error="x")
    sent = make_notification(event_key="e:sent", status=Notification.Status.SENT, attempts=1)

    with django_capture_on_commit_callbacks() as callbacks:
        assert services.retry_notification(notification=failed) is True
        assert services.retry_notification(notification=sent) is False

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 0)
    assert len(callbacks) == 1


def test_the_event_key_names_subject_reference_event_and_status_event():
    key = services.event_key(
        subject="order", reference="7KQ2M9XW4D", event="delivered", status_event_id=42
    )
    assert key == "order:7KQ2M9XW4D:delivered:42"


def test_plain_text_parts_keep_what_was_typed_instead_of_html_entities():
    from notifications.tests.samples import CONTEXTS

    context = {**CONTEXTS["staff_new_claim"], "product_model": 'Ким & Ко "Робот" <X>'}

    subject, text, html = services.render_email(
        template="staff_new_claim", language="ru", context=context
    )

    assert 'Ким & Ко "Робот" <X>' in subject
    assert 'Ким & Ко "Робот" <X>' in text
    assert "Ким &amp; Ко &quot;Робот&quot; &lt;X&gt;" in html


def test_a_row_with_an_attachment_sends_the_file_from_the_private_storage():
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("acts/act.pdf", ContentFile(b"%PDF-1.7 the act"))
    notification = make_notification(
        attachments=[
            {"name": name, "filename": "act-7KQ2M-9XW4D.pdf", "mimetype": "application/pdf"}
        ]
    )

    message = services.build_message(notification)

    assert message.attachments[0].filename == "act-7KQ2M-9XW4D.pdf"
    assert message.attachments[0].content == b"%PDF-1.7 the act"
    assert message.attachments[0].mimetype == "application/pdf"
