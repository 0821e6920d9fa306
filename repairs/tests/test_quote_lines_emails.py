"""The quote's lines in the e-mails that remained (issue 22): the customer's quote reminder
lists them as the quote e-mail does, and the service center reads which parts and labour the
customer accepted or declined, with their total. Orders made through the services, the
e-mails sent by the outbox and read as they leave it, in Russian and Kazakh."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Notification
from notifications.services import send_notification
from repairs.models import LineData, OrderStatus, WorkLine
from repairs.reminders import queue_due_order_reminders
from repairs.services.customer import decide_quote
from repairs.tests.factories import TechnicianFactory, make_order, step, with_final_verdict
from tests.pages import visible_text

pytestmark = pytest.mark.django_db
S = OrderStatus
HOSTILE = "Плата управления <script>alert(1)</script>"
LINES = [
    LineData(
        kind=WorkLine.Kind.PART,
        description=HOSTILE,
        part_number="DR-PCB-01",
        quantity=Decimal(2),
        unit_price=Decimal(16750),
    ),
    LineData(
        kind=WorkLine.Kind.LABOUR,
        description="Работа по замене платы",
        quantity=Decimal("1.5"),
        unit_price=Decimal(4000),
    ),
]
# Each line as the plain text prints it, and as the HTML table reads (its visible text).
TEXT_LINES = [
    f"- {HOSTILE} (DR-PCB-01): 2 × 16 750 ₸ = 33 500 ₸",
    "- Работа по замене платы: 1,5 × 4 000 ₸ = 6 000 ₸",
]
HTML_LINES = [
    f"{HOSTILE} (DR-PCB-01) 2 × 16 750 ₸ = 33 500 ₸",
    "Работа по замене платы 1,5 × 4 000 ₸ = 6 000 ₸",
]
TOTAL_TEXT = {"ru": "Итого: 39 500 ₸", "kk": "Барлығы: 39 500 ₸"}
TOTAL_HTML = {"ru": "Всего 39 500 ₸", "kk": "Барлығы 39 500 ₸"}


def quoted_order(language: str):
    """A paid repair quoted in two lines (a part with its number, labour): 39 500 ₸."""
    technician = TechnicianFactory()
    order = make_order(status=S.DIAGNOSTICS, technician=technician, language=language)
    order = with_final_verdict(order, "paid_repair")
    return step(order, "send_quote", by=technician.user, lines=LINES)


def delivered(template: str, *, language: str | None = None):
    """The outbox's e-mail of `template` sent as the worker sends it; `language` renders the
    same row in another language. Returns the text and the HTML."""
    row = Notification.objects.get(template=template)
    if language:
        Notification.objects.filter(pk=row.pk).update(language=language)
    before = len(mail.outbox)
    assert send_notification(notification_id=row.pk)
    [message] = mail.outbox[before:]
    assert message.to == [row.recipient]
    return message.body, message.alternatives[0][0]


def assert_lists_the_lines(text: str, html: str, language: str) -> None:
    for line in TEXT_LINES:
        assert line in text
    assert TOTAL_TEXT[language] in text
    shown = visible_text(html)
    for line in HTML_LINES:
        assert line in shown
    assert TOTAL_HTML[language] in shown
    # The typed description is text in HTML, never markup.
    assert "<script>" not in html
    assert "Плата управления &lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- The customer's quote reminder ------------------------------------------------------------


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_quote_reminder_lists_the_lines_as_the_quote_email_does(language):
    order = quoted_order(language)
    waiting = order.status_events.get(to_status=S.AWAITING_APPROVAL)
    waiting.__class__.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    assert queue_due_order_reminders()["quote_reminder"] == 1

    text, html = delivered("quote_reminder")

    assert_lists_the_lines(text, html, language)
    # Line for line what the quote e-mail said.
    quote_text, _quote_html = delivered("quote_sent")
    for line in (*TEXT_LINES, TOTAL_TEXT[language]):
        assert line in quote_text


# --- The center learns the answer, line by line --------------------------------------------------


@pytest.mark.parametrize("accept", [True, False])
def test_the_center_reads_the_lines_the_customer_answered_with_their_total(accept):
    order = quoted_order("kk")  # the customer's language is not the center's

    decide_quote(
        order=order,
        accept=accept,
        amount_shown=Decimal(39500),
        wording="Я согласен(на) на платный ремонт",
        language="kk",
        client_address="10.0.0.1",
    )
    text, html = delivered("center_quote_decided")

    assert "Что входит в стоимость:" in text
    assert_lists_the_lines(text, html, "ru")
    accepted = "Клиент онлайн принял стоимость ремонта по заказу"
    declined = "Клиент онлайн отклонил стоимость ремонта по заказу"
    assert (accepted if accept else declined) in text


def test_the_centers_email_lists_the_lines_in_kazakh_too():
    order = quoted_order("ru")
    decide_quote(
        order=order,
        accept=True,
        amount_shown=Decimal(39500),
        wording="Я согласен(на) на платный ремонт",
        language="ru",
        client_address="10.0.0.1",
    )

    text, html = delivered("center_quote_decided", language="kk")

    assert "Бағаға не кіреді:" in text
    assert_lists_the_lines(text, html, "kk")


# --- Not on the public status page -----------------------------------------------------------


def test_the_public_status_lookup_shows_no_lines(client, fresh_status_rate_limit):
    # Looked up by the stub's two values alone: what the order is made of stays in the
    # e-mails and on «Мой ремонт» (the lead's decision, issue 22).
    order = quoted_order("ru")
    query = {"order_number": order.order_number, "intake_date": order.intake_date.isoformat()}

    page = client.get("/partners/repair-status/", query)
    api = client.get("/api/v1/repair-status/", query)

    assert page.status_code == api.status_code == 200
    assert order.display_number in page.content.decode()
    for answer in (page.content.decode(), json.dumps(api.json(), ensure_ascii=False)):
        for shown in ("Плата управления", "DR-PCB-01", "Работа по замене платы", "16 750"):
            assert shown not in answer
    assert "lines" not in api.json()
