"""Issue 23: one worker sends a batch of due rows over one kept-open SMTP connection,
still exactly once (a real aiosmtpd on loopback)."""

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.tasks import send_email_task
from notifications.tests.conftest import make_notification
from notifications.tests.smtp import SmtpSink

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_connection():
    # Each test starts and ends without the process's kept connection of another test.
    services.close_mail_connection()
    yield
    services.close_mail_connection()


def rows(count: int) -> list[Notification]:
    return rows_from(0, count)


def rows_from(first: int, end: int) -> list[Notification]:
    return [
        make_notification(event_key=f"e:{i}", recipient=f"customer{i}@example.kz")
        for i in range(first, end)
    ]


def statuses(notifications) -> list[str]:
    return [Notification.objects.get(pk=n.pk).status for n in notifications]


def test_several_sends_share_one_smtp_connection(smtp_server):
    notifications = rows(4)

    for notification in notifications:
        assert services.send_notification(notification_id=notification.pk) is True

    smtp_server.wait_for(4)
    assert len(set(smtp_server.peers)) == 1
    assert statuses(notifications) == ["sent"] * 4


def test_a_connection_the_server_dropped_while_idle_is_opened_again_without_an_attempt(
    smtp_server,
):
    first, second = rows(2)
    services.send_notification(notification_id=first.pk)
    smtp_server.wait_for(1)
    # The server goes away and comes back (an idle timeout, a restart): our socket is dead.
    smtp_server.stop()
    smtp_server.start()

    # MAIL FROM finds out; nothing of the e-mail reached the server, so a new connection
    # sends it at once and the failed command costs no attempt.
    assert services.send_notification(notification_id=second.pk) is True

    smtp_server.wait_for(2)
    assert len(set(smtp_server.peers)) == 2
    assert statuses([first, second]) == ["sent", "sent"]
    assert Notification.objects.get(pk=second.pk).attempts == 1


def test_a_server_that_stays_down_costs_an_attempt_and_a_retry_later(smtp_server):
    first, second = rows(2)
    services.send_notification(notification_id=first.pk)
    smtp_server.wait_for(1)
    smtp_server.stop()

    with pytest.raises(services.SendLater):
        services.send_notification(notification_id=second.pk)
    second.refresh_from_db()
    assert second.status == "pending" and second.attempts == 1
    assert second.last_error.startswith("ConnectionRefusedError")

    # The retry (here at once) opens a new connection and delivers it, once.
    smtp_server.start()
    Notification.objects.filter(pk=second.pk).update(next_attempt_at=timezone.now())
    assert services.send_notification(notification_id=second.pk) is True
    assert [m["To"] for m in smtp_server.wait_for(2)] == [
        "customer0@example.kz",
        "customer1@example.kz",
    ]


def test_a_batch_sends_due_rows_once_and_their_own_tasks_then_send_nothing(
    smtp_server, django_assert_max_num_queries
):
    notifications = rows(6)
    held = make_notification(event_key="e:backoff", recipient="later@example.kz")
    Notification.objects.filter(pk=held.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=5)
    )

    # Claim with one UPDATE … RETURNING, then one UPDATE per e-mail the server took.
    with django_assert_max_num_queries(1 + 6):
        assert services.send_notification(notification_id=notifications[3].pk, batch_size=20)
    for notification in notifications:  # the duplicate and the late tasks
        assert services.send_notification(notification_id=notification.pk, batch_size=20) is False

    received = smtp_server.wait_for(6)
    assert received[0]["To"] == "customer3@example.kz"  # the task's own row goes first
    assert Counter(m["Message-ID"] for m in received) == Counter(
        {services.message_id_for(n): 1 for n in notifications}
    )
    assert statuses(notifications) == ["sent"] * 6
    assert all(n.attempts == 1 for n in Notification.objects.filter(status="sent"))
    held.refresh_from_db()
    assert held.status == "pending" and held.attempts == 0  # in its backoff: not due


def test_each_row_is_marked_sent_as_soon_as_the_next_email_is_on_its_way(smtp_server, monkeypatch):
    notifications = rows(5)
    render = services.build_message
    marked_when_rendered = []

    def build_and_count(notification):
        marked_when_rendered.append(Notification.objects.filter(status="sent").count())
        return render(notification)

    monkeypatch.setattr(services, "build_message", build_and_count)

    assert services.send_notification(notification_id=notifications[0].pk, batch_size=20)

    # E-mail k is rendered while k-1 is with the server; k-2 is already marked: a worker
    # killed at any point leaves at most one e-mail sent but unmarked, not a batch.
    assert marked_when_rendered == [0, 0, 1, 2, 3]
    assert statuses(notifications) == ["sent"] * 5


def test_a_worker_stopped_mid_batch_marks_what_the_server_took_and_nothing_else(
    smtp_server, monkeypatch
):
    notifications = rows(6)
    render = services.build_message
    calls = []

    def build_then_stop(notification):
        calls.append(notification.pk)
        if len(calls) == 4:
            raise SystemExit("the worker is told to stop")  # not an error we catch
        return render(notification)

    monkeypatch.setattr(services, "build_message", build_then_stop)

    with pytest.raises(SystemExit):
        services.send_notification(notification_id=notifications[0].pk, batch_size=20)

    received = smtp_server.wait_for(3)
    assert [m["To"] for m in received] == [f"customer{i}@example.kz" for i in range(3)]
    # The e-mail in flight was answered and marked on the way out; the rows claimed but
    # never tried stay "sending" until the sweeper's stale time gives them back.
    assert statuses(notifications) == ["sent"] * 3 + ["sending"] * 3


def test_a_broken_row_in_a_batch_fails_alone(smtp_server):
    good, broken, other = rows(3)
    Notification.objects.filter(pk=broken.pk).update(template="no_such_template")

    assert services.send_notification(notification_id=good.pk, batch_size=20) is True

    assert sorted(m["To"] for m in smtp_server.wait_for(2)) == [
        "customer0@example.kz",
        "customer2@example.kz",
    ]
    assert statuses([good, broken, other]) == ["sent", "failed", "sent"]


def test_a_temporary_refusal_mid_batch_keeps_every_row_exactly_once(
    smtp_server, eager_celery, settings
):
    # Eager Celery plays the worker: the retries published mid-batch run at once.
    settings.OUTBOX_MAX_ATTEMPTS = 3
    first, refused, third, fourth = rows(4)
    smtp_server.refuse.add("customer1@example.kz")

    assert services.send_notification(notification_id=first.pk, batch_size=20) is True

    # The rows after the refusal went back untried and their republished task sent them;
    # the refused row was retried until its attempts ran out; nothing arrived twice.
    received = smtp_server.wait_for(3)
    assert sorted(m["To"] for m in received) == [
        "customer0@example.kz",
        "customer2@example.kz",
        "customer3@example.kz",
    ]
    assert len({m["Message-ID"] for m in received}) == 3
    assert statuses([first, refused, third, fourth]) == ["sent", "failed", "sent", "sent"]
    got = {n.pk: n for n in Notification.objects.all()}
    assert got[refused.pk].attempts == 3 and "451" in got[refused.pk].last_error
    assert [got[n.pk].attempts for n in (first, third, fourth)] == [1, 1, 1]


def test_a_refused_row_of_its_own_task_raises_for_the_tasks_retry(smtp_server, eager_celery):
    first, second = rows(2)
    smtp_server.refuse.add("customer0@example.kz")

    with pytest.raises(services.SendLater):
        services.send_notification(notification_id=first.pk, batch_size=20)

    first.refresh_from_db()
    assert first.status == "pending" and first.attempts == 1  # waits for its backoff
    assert first.next_attempt_at > timezone.now()
    # The row behind it went back untried; its republished task delivered it.
    assert [m["To"] for m in smtp_server.wait_for(1)] == ["customer1@example.kz"]
    assert statuses([second]) == ["sent"]


def test_a_row_waiting_for_its_attachments_is_not_in_another_tasks_batch(
    smtp_server, eager_celery, django_capture_on_commit_callbacks
):
    other = make_notification(event_key="e:other", recipient="other@example.kz")
    with django_capture_on_commit_callbacks() as callbacks:
        waiting = services.queue_email(
            event_key="e:act",
            recipient="act@example.kz",
            template="claim_received",
            language="ru",
            context=other.context,
            attach_after_commit=lambda: [],
        )

    assert services.send_notification(notification_id=other.pk, batch_size=20) is True
    waiting.refresh_from_db()
    assert waiting.status == "pending" and waiting.next_attempt_at > timezone.now()

    callbacks[0]()  # the attachments are made (none here); the row is published and sent

    assert [m["To"] for m in smtp_server.wait_for(2)] == ["other@example.kz", "act@example.kz"]
    assert statuses([other, waiting]) == ["sent", "sent"]


def test_the_worker_says_quit_when_it_stops(smtp_server):
    from notifications.tasks import close_mail_connection

    [notification] = rows(1)
    services.send_notification(notification_id=notification.pk)
    connection = services._mail.backend.connection

    close_mail_connection()

    assert services._mail.backend is None
    assert connection.sock is None  # smtplib's QUIT closed it


def test_a_sink_restarted_on_its_port_is_the_same_server():
    # The tests above restart the server on its port; the helper must allow that.
    sink = SmtpSink().start()
    port = sink.port
    sink.stop()
    sink.start()
    assert sink.port == port
    sink.stop()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_marks_are_not_waited_for_and_all_land(smtp_server):
    # The worker's case: autocommit. On PostgreSQL the marks go out on the process's own
    # connection; on SQLite they are Django's update(). Either way every row ends "sent",
    # and the answers are read before the task returns.
    notifications = rows(5)

    sent = services.send_notification(
        notification_id=notifications[0].pk, batch_size=20, unwaited_marks=True
    )

    assert sent is True
    assert statuses(notifications) == ["sent"] * 5
    assert services._marks.waiting is None and services._marks.unwaited is False
    uses_own_connection = services._marks.raw is not None
    assert uses_own_connection == (connection.vendor == "postgresql")
    received = smtp_server.wait_for(5)
    assert sorted(m["To"] for m in received) == [f"customer{i}@example.kz" for i in range(5)]
    assert all(n.sent_at is not None for n in Notification.objects.all())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["closed", "terminated"])
def test_a_mark_on_a_broken_connection_still_lands(smtp_server, postgres_db, how):
    first, second, third = rows(3)
    services.send_notification(notification_id=first.pk, batch_size=1, unwaited_marks=True)
    own = services._marks.raw
    if how == "closed":
        own.close()
    else:  # the database dropped it (a restart, a failover); psycopg does not know yet
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [own.info.backend_pid])

    for notification in (second, third):
        assert services.send_notification(
            notification_id=notification.pk, batch_size=1, unwaited_marks=True
        )

    assert statuses([first, second, third]) == ["sent", "sent", "sent"]
    assert services._marks.raw is not own


def test_while_whole_batches_are_due_one_call_sends_them_in_turn(smtp_server, settings):
    settings.OUTBOX_BATCHES_PER_TASK = 3
    notifications = rows(8)

    # Batches of 3: 3 + 3 + the third claim's 2; a fourth batch is not claimed.
    assert services.send_notification(notification_id=notifications[0].pk, batch_size=3)
    assert statuses(notifications) == ["sent"] * 8
    assert len(smtp_server.wait_for(8)) == 8

    more = rows_from(8, 18)  # 10 due: three batches of 3, one row left for its own task
    assert services.send_notification(notification_id=more[0].pk, batch_size=3)
    assert statuses(more) == ["sent"] * 9 + ["pending"]


@pytest.mark.django_db(transaction=True)
def test_a_send_outside_the_worker_keeps_no_connection_of_its_own(smtp_server, eager_celery):
    # A web request with no broker runs the task eagerly: its marks are Django's update().
    [notification] = rows(1)

    send_email_task.delay(notification.pk)

    assert statuses([notification]) == ["sent"]
    assert services._marks.raw is None
