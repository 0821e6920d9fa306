"""End to end with real parts: PostgreSQL, Redis, one Celery worker process, SMTP on loopback.

One worker serves the whole module (start-up costs seconds); it listens on a queue of its
own so parallel runs sharing the Redis never steal each other's tasks. Tests are
transactional: the worker is another process and sees only committed rows.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from claims import mail_answers
from claims import services as claim_services
from claims.mail_replies import EMAIL_REPLY
from claims.models import Claim, WarrantyPolicy
from claims.tests.factories import ClaimFactory
from dreame_service.celery import app as celery_app
from notifications import services
from notifications.models import Notification
from notifications.tasks import send_email_task
from notifications.tests.smtp import SmtpSink, free_port
from repairs import services as order_services
from repairs.tests.factories import ServiceCenterFactory, SupportUserFactory
from tests import real_stack

ROOT = Path(settings.BASE_DIR)
pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
MAX_ATTEMPTS = 3


@pytest.fixture(scope="module")
def smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, smtp):
    """A real `celery worker` process on its own queue, against the test database."""
    if not settings.REDIS_URL or "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        yield None  # the `redis_url` / `postgres_db` fixtures fail or skip each test
        return
    queue = f"test-outbox-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": real_stack.test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": smtp.url,
        "EMAIL_TIMEOUT": "2",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "OUTBOX_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
        "OUTBOX_RETRY_BASE_SECONDS": "0.5",
        "OUTBOX_RETRY_MAX_SECONDS": "1",
        "CONN_MAX_AGE": "0",
        "SECRET_KEY": "test-only-secret-key",
    }
    process = real_stack.celery_worker(queue, queue=queue, env=env)
    previous = celery_app.conf.task_default_queue, celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = queue, False
    yield process
    celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = previous
    process.stop()


@pytest.fixture
def outbox(redis_url, postgres_db, worker, smtp):
    """Each test starts with SMTP up and an empty mailbox."""
    smtp.stop()
    smtp.start()
    with smtp.lock:
        smtp.messages.clear()
    WarrantyPolicy.objects.get_or_create(country="KZ")
    yield smtp
    smtp.stop()
    smtp.start()


def wait_for_row(pk, *, timeout=15, **expected):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = Notification.objects.get(pk=pk)
        if all(getattr(row, name) == value for name, value in expected.items()):
            return row
        time.sleep(0.05)
    raise AssertionError(f"notification {pk} never reached {expected}: {row.status} {row.attempts}")


def claim_data(**overrides):
    claim = ClaimFactory.build(**overrides)
    fields = [
        "full_name", "email", "phone", "region", "city", "address", "postal_code",
        "product_model", "serial_number", "purchase_date", "seller", "fault_description",
    ]  # fmt: skip
    data = {name: getattr(claim, name) for name in fields}
    data["phone"] = str(data["phone"])  # plain values: the broker-down test passes them on
    return data


def test_a_submitted_and_approved_claim_emails_each_message_once_in_the_customers_language(
    outbox,
):
    claim = claim_services.submit_claim(data=claim_data(email="aigerim@example.kz"), language="kk")
    center = ServiceCenterFactory(phone="+77272111111", postal_address="050010, Алматы, Абая 1")

    [received] = outbox.wait_for(1, recipient="aigerim@example.kz")
    [staff] = outbox.wait_for(1, recipient="dreamesupport@dreame.tech")
    assert received["Subject"] == f"{claim.number} өтініші қабылданды"
    assert received["Reply-To"] == "dreamesupport@dreame.tech"
    assert "Тауар кепілдікте" in received.get_body(("plain",)).get_content()
    assert staff["Subject"].startswith(f"Новая заявка {claim.number}")

    order_services.approve_claim_and_open_order(
        claim=claim, service_center=center, by=SupportUserFactory()
    )

    approved = outbox.wait_for(2, recipient="aigerim@example.kz")[1]
    text = approved.get_body(("plain",)).get_content()
    assert approved["Subject"].startswith(f"{claim.number} өтініші мақұлданды")
    assert "+7 727 211 11 11" in text and "050010, Алматы, Абая 1" in text
    assert "сатушының мөрі басылған кепілдік талоны" in text
    [notice] = outbox.wait_for(1, recipient=center.email)  # the center is told, in Russian
    assert notice["Subject"].startswith("Новый заказ")
    time.sleep(0.5)  # let any duplicate arrive before counting
    assert len(outbox.messages) == 4
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_supports_answer_goes_through_the_worker_in_the_customers_thread(outbox):
    # Issue 21: the worker process sends the thread headers the outbox row carries.
    claim = claim_services.submit_claim(data=claim_data(email="erlan@example.kz"), language="ru")
    [received] = outbox.wait_for(1, recipient="erlan@example.kz")
    claim_services.record_status_event(
        claim=claim,
        transition=EMAIL_REPLY,
        from_status=claim.status,
        to_status=claim.status,
        by_customer=True,
        internal_note="Когда ответите?",
        note_params={
            "message_id": "<reply@mail.example.kz>",
            "references": received["Message-ID"],
            "subject": f"Re: {received['Subject']}",
        },
    )

    mail_answers.answer_by_email(claim=claim, text="Уже отвечаем!", by=SupportUserFactory())

    answer = outbox.wait_for(2, recipient="erlan@example.kz")[1]
    assert answer["In-Reply-To"] == "<reply@mail.example.kz>"
    assert answer["References"] == f"{received['Message-ID']} <reply@mail.example.kz>"
    assert answer["Subject"] == f"Re: Заявка {claim.number} принята"
    assert "Уже отвечаем!" in answer.get_body(("plain",)).get_content()


def test_a_claim_is_saved_when_the_broker_is_down_and_the_sweeper_sends_it_once_later(
    outbox, tmp_path
):
    # The customer's browser posts the claim form to a site whose broker is unreachable.
    script = (
        "import json, time, django; django.setup();"
        "from django.test import Client;"
        "from claims.models import Claim;"
        "from claims.tests.claim_form import form_data;"
        "data = form_data(email='broker-down@example.kz');"
        "Client().get('/claims/new/');"  # the process's first page: templates, connections
        "started = time.monotonic();"
        "response = Client().post('/claims/new/', data);"
        "seconds = time.monotonic() - started;"
        "claim = Claim.objects.get(email='broker-down@example.kz');"
        "print(json.dumps({'number': claim.number, 'seconds': seconds,"
        " 'status': response.status_code, 'location': response.get('Location', '')}))"
    )
    env = {
        **os.environ,
        "DATABASE_URL": real_stack.test_database_url(),
        "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        "SECRET_KEY": "test-only-secret-key",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver",
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "dreame_service.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    result = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert b"the sweeper will retry" in done.stderr
    # No error page: the customer is sent on to the confirmation of the saved claim.
    assert result["status"] == 302
    assert result["location"].startswith("/claims/submitted/")
    # Two failed publishes (customer + support) must not hold up the customer's request: a
    # publish that waited for the broker (retrying its connection) would take seconds each.
    assert result["seconds"] < 3

    claim = Claim.objects.get(number=result["number"])
    rows = Notification.objects.filter(event_key__startswith=f"claim:{claim.number}:")
    assert sorted(rows.values_list("status", flat=True)) == ["pending", "pending"]
    time.sleep(0.3)
    assert outbox.messages == []

    later = rows.latest("next_attempt_at").next_attempt_at + services._sweep_age()
    assert services.sweep_outbox(now=later)["published"] == 2
    outbox.wait_for(1, recipient="broker-down@example.kz")
    outbox.wait_for(1, recipient="dreamesupport@dreame.tech")
    services.sweep_outbox(now=later)  # a second sweep finds nothing left to send
    time.sleep(0.5)
    assert len(outbox.to("broker-down@example.kz")) == 1
    assert len(outbox.messages) == 2


def test_it_retries_while_smtp_is_down_and_delivers_once_when_it_is_back(outbox):
    outbox.stop()
    with transaction.atomic():
        notification = services.queue_email(
            event_key="test:smtp-down:1",
            recipient="smtp-down@example.kz",
            template="claim_rejected",
            language="ru",
            context={"claim_number": "CL-1", "full_name": "Асель", "public_note": "Нет чека"},
        )
    row = wait_for_row(notification.pk, attempts=1, status="pending")
    # The worker's kept-open session to the stopped server dies first (a send on it), or a
    # new connection is refused (nothing was kept); either way a transient error.
    assert row.last_error.startswith(("ConnectionRefusedError", "SMTPServerDisconnected"))

    outbox.start()

    row = wait_for_row(notification.pk, status="sent")
    assert row.attempts >= 2
    [message] = outbox.wait_for(1)
    assert message["Subject"] == "Заявка CL-1: решение"
    time.sleep(0.5)
    assert len(outbox.messages) == 1


def test_after_the_attempt_limit_the_row_is_failed_and_the_admin_retry_sends_it_once(
    outbox, client, django_user_model
):
    outbox.stop()
    with transaction.atomic():
        notification = services.queue_email(
            event_key="test:smtp-dead:1",
            recipient="smtp-dead@example.kz",
            template="claim_rejected",
            language="en",
            context={"claim_number": "CL-2", "full_name": "Dana", "public_note": "No receipt"},
        )
    row = wait_for_row(notification.pk, status="failed", attempts=MAX_ATTEMPTS)
    assert "ConnectionRefusedError" in row.last_error
    admin = django_user_model.objects.create_superuser("boss", "boss@dreame.kz", "pw-123-xyz")
    client.force_login(admin)
    changelist = client.get("/admin/notifications/notification/?status__exact=failed")
    assert "smtp-dead@example.kz" in changelist.text

    outbox.start()
    response = client.post(
        "/admin/notifications/notification/",
        {"action": "retry_failed", "_selected_action": [notification.pk]},
        follow=True,
    )

    assert "1 письмо поставлено на повторную отправку." in response.text  # Russian admin
    [message] = outbox.wait_for(1)
    assert message["Subject"] == "Claim CL-2: decision"
    assert wait_for_row(notification.pk, status="sent").attempts == 1
    time.sleep(0.5)
    assert len(outbox.messages) == 1


def test_a_task_published_many_times_sends_one_email(outbox):
    with transaction.atomic():
        notification = services.queue_email(
            event_key="test:duplicate:1",
            recipient="twice@example.kz",
            template="claim_received",
            language="ru",
            context={
                "claim_number": "CL-3",
                "full_name": "Ерлан",
                "product_model": "DREAME Z30",
                "verdict": "paid_repair",
                "response_due_date": "2026-12-01",
            },
        )
    # The on-commit publish plus redeliveries, sweeper runs and a stray manual send.
    for _ in range(3):
        services.enqueue_notification(notification_id=notification.pk)
    send_email_task.delay(notification.pk)

    [message] = outbox.wait_for(1)
    assert wait_for_row(notification.pk, status="sent").attempts == 1
    time.sleep(0.7)
    assert len(outbox.messages) == 1
    assert "01.12.2026" in message.get_body(("plain",)).get_content()
