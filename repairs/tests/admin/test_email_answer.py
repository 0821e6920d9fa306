"""«Ответить клиенту по e-mail» on support's claim page (issue 21): the customer's newest
e-mails above the form, the answer delivered by a real SMTP server on loopback in the
customer's thread and language, once per form; the claim stays «awaiting an answer» until
then."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from claims import links
from claims.mail_replies import EMAIL_REPLY
from claims.models import StatusEvent
from claims.services import record_status_event
from claims.tests.factories import ClaimFactory
from dreame_service.kit.mailers import smtp_mailer
from notifications.models import Notification
from notifications.services import message_id_for, queue_email
from notifications.tests.smtp import SmtpSink
from repairs.tests.factories import SupportUserFactory, UserFactory
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

CLAIMS = "/admin/claims/claim/"
TOKEN = re.compile(r'name="answer-form_token" value="([0-9a-f]{32})"')


def page_url(claim) -> str:
    return f"{CLAIMS}{claim.pk}/change/"


def answer_url(claim) -> str:
    return f"{CLAIMS}{claim.pk}/answer/"


@pytest.fixture
def support():
    client = Client()
    client.force_login(SupportUserFactory(first_name="Динара", last_name="Ахметова"))
    return client


@pytest.fixture
def smtp(settings, eager_celery):
    """A real SMTP server on a free loopback port; the outbox sends in-process to it."""
    sink = SmtpSink().start()
    settings.MAILERS = {"default": smtp_mailer(host=sink.host, port=sink.port, timeout=2)}
    yield sink
    sink.stop()


def file_reply(claim, *, message_id, references="", subject="", text="Когда заберёте пылесос?"):
    """A customer's e-mail as the support mailbox files it (the contract of issue 21)."""
    return record_status_event(
        claim=claim,
        transition=EMAIL_REPLY,
        from_status=claim.status,
        to_status=claim.status,
        by_customer=True,
        internal_note=text,
        note_params={"message_id": message_id, "references": references, "subject": subject},
    )


def form_token(client, claim) -> str:
    return TOKEN.search(client.get(page_url(claim)).content.decode()).group(1)


def post_answer(client, claim, text, *, token=None, **options):
    data = {"answer-text": text, "answer-form_token": token or form_token(client, claim)}
    return client.post(answer_url(claim), data, **options)


# --- Delivered: in the customer's thread and language -----------------------------------


def test_the_answer_arrives_in_the_customers_thread_in_kazakh(
    support, smtp, django_capture_on_commit_callbacks
):
    claim = ClaimFactory(language="kk", email="aigerim@example.kz")
    subject = f"Re: {claim.number} өтініші қабылданды"
    file_reply(
        claim,
        message_id="<CAF=reply2@mail.gmail.com>",
        references="<root@dreame.example> <CAF=reply1@mail.gmail.com>",
        subject=subject,
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = post_answer(
            support, claim, "Сәлеметсіз бе!\nКурьер ертең алып кетеді.", follow=True
        )

    [message] = smtp.wait_for(1, recipient="aigerim@example.kz")
    assert message["In-Reply-To"] == "<CAF=reply2@mail.gmail.com>"
    assert message["References"] == (
        "<root@dreame.example> <CAF=reply1@mail.gmail.com> <CAF=reply2@mail.gmail.com>"
    )
    assert message["Subject"] == subject and claim.number in message["Subject"]
    assert message["Content-Language"] == "kk"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert f"Қолдау қызметінің {claim.number} өтініміңіз бойынша жауабы:" in text
    assert "Сәлеметсіз бе!\nКурьер ертең алып кетеді." in text
    assert links.my_url(claim) in text  # the personal link, as every e-mail to them
    html = message.get_body(("html",)).get_content()
    assert "Сәлеметсіз бе!<br>Курьер ертең алып кетеді." in html
    assert "Ответ отправляется на aigerim@example.kz" in visible_text(response.content.decode())


def test_before_the_customer_writes_the_answer_follows_our_first_email(
    support, smtp, django_capture_on_commit_callbacks
):
    claim = ClaimFactory(language="ru", email="erlan@example.kz")
    first = queue_email(
        event_key=f"claim:{claim.number}:claim_received:1",
        recipient=claim.email,
        template="claim_received",
        language="ru",
        context={},
    )
    first.status = Notification.Status.SENT  # delivered long ago
    first.save()
    html = support.get(page_url(claim)).content.decode()
    assert "Клиент ещё не писал по e-mail: ответ уйдёт на erlan@example.kz" in visible_text(html)

    with django_capture_on_commit_callbacks(execute=True):
        post_answer(support, claim, "Добрый день! Пришлите, пожалуйста, фото чека.")

    [message] = smtp.wait_for(1, recipient="erlan@example.kz")
    assert message["In-Reply-To"] is None
    assert message["References"] == message_id_for(first)
    assert message["Subject"] == f"Re: Заявка {claim.number}"
    assert "Пришлите, пожалуйста, фото чека." in message.get_body(("plain",)).get_content()


def test_a_double_click_sends_one_answer(support, smtp, django_capture_on_commit_callbacks):
    claim = ClaimFactory(email="twice@example.kz")
    file_reply(claim, message_id="<r@mail.example.kz>")
    token = form_token(support, claim)

    with django_capture_on_commit_callbacks(execute=True):
        first = post_answer(support, claim, "Ответ", token=token)
        second = post_answer(support, claim, "Ответ", token=token, follow=True)

    assert first.status_code == 302
    assert "Этот ответ уже отправлен; второй раз он не уходит." in visible_text(
        second.content.decode()
    )
    assert len(smtp.wait_for(1, recipient="twice@example.kz")) == 1
    assert StatusEvent.objects.filter(claim=claim, transition="email_answer").count() == 1
    assert Notification.objects.filter(template="support_answer").count() == 1


# --- Refused: no permission, no text, no GET ----------------------------------------------


def test_a_staff_user_without_triage_rights_sees_no_form_and_gets_403():
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_claim"))
    client = Client()
    client.force_login(viewer)
    claim = ClaimFactory()
    file_reply(claim, message_id="<r@mail.example.kz>")

    html = client.get(page_url(claim)).content.decode()
    response = client.post(answer_url(claim), {"answer-text": "x", "answer-form_token": "a" * 32})

    assert "answer-text" not in html and "Ответить клиенту по e-mail" not in html
    assert response.status_code == 403
    assert not StatusEvent.objects.filter(transition="email_answer").exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("   ", "Напишите ответ клиенту."),
        ("Длинный ответ. " * 800, "не больше 10000 символов"),
    ],
)
def test_an_empty_or_endless_answer_comes_back_with_what_was_typed(support, text, error):
    claim = ClaimFactory()

    response = post_answer(support, claim, text)

    html = response.content.decode()
    assert response.status_code == 400
    assert error in visible_text(html)
    assert text.strip()[:200] in html  # nothing typed is lost
    assert not Notification.objects.exists()


def test_the_answer_url_answers_a_get_with_the_claim_page(support):
    claim = ClaimFactory()
    response = support.get(answer_url(claim))
    assert response.status_code == 302 and response["Location"] == page_url(claim)
    assert not StatusEvent.objects.filter(transition="email_answer").exists()


def test_a_tampered_form_is_refused_with_the_text_kept(support):
    claim = ClaimFactory()
    response = post_answer(support, claim, "Ответ <b>клиенту</b>", token="not-a-token")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Форма устарела" in visible_text(html)
    assert "Ответ &lt;b&gt;клиенту&lt;/b&gt;" in html  # kept, and escaped


# --- The page, the list and the dashboard: awaiting until answered --------------------------


def test_the_customers_newest_email_is_above_the_form_until_answered(support):
    claim = ClaimFactory()
    file_reply(claim, message_id="<1@m.kz>", subject="Вопрос", text="Первое письмо")
    file_reply(claim, message_id="<2@m.kz>", subject=f"Re: {claim.number}", text="<b>Второе</b>")

    html = support.get(page_url(claim)).content.decode()
    card = html[html.index('id="answer"') : html.index('id="history"')]
    text = visible_text(card)
    assert text.index("Второе") < text.index("Первое письмо")  # the newest first
    assert "&lt;b&gt;Второе&lt;/b&gt;" in card  # what the customer typed, escaped
    assert text.count("Ждёт ответа") == 2
    assert f"Re: {claim.number}" in text and "Отправить ответ" in text

    post_answer(support, claim, "Ответили")

    html = support.get(page_url(claim)).content.decode()
    card = visible_text(html[html.index('id="answer"') : html.index('id="history"')])
    assert "Ждёт ответа" not in card and card.count("отвечено") == 2
    history = visible_text(html[html.index('id="history"') :])
    assert "Поддержка ответила по e-mail" in history and "Динара Ахметова" in history


def test_the_unanswered_filter_and_the_dashboard_count_emails_until_support_answers(support):
    claim = ClaimFactory()
    quiet = ClaimFactory()
    file_reply(claim, message_id="<r@mail.example.kz>")

    for kind in ("email", "any"):
        listed = visible_text(support.get(f"{CLAIMS}?awaiting={kind}").content.decode())
        assert claim.number in listed and quiet.number not in listed
    whatsapp_only = visible_text(support.get(f"{CLAIMS}?awaiting=whatsapp").content.decode())
    assert claim.number not in whatsapp_only
    dashboard = visible_text(support.get("/admin/").content.decode())
    assert "1 с письмом или сообщением в WhatsApp без ответа" in dashboard

    post_answer(support, claim, "Ответили")

    listed = visible_text(support.get(f"{CLAIMS}?awaiting=email").content.decode())
    assert claim.number not in listed
    dashboard = visible_text(support.get("/admin/").content.decode())
    assert "0 с письмами или сообщениями в WhatsApp без ответа" in dashboard


def test_the_claim_page_with_emails_and_the_form_keeps_its_queries(
    support, django_assert_max_num_queries
):
    claim = ClaimFactory()
    for number in range(5):
        file_reply(claim, message_id=f"<{number}@m.kz>", text=f"Письмо {number}")
    ContentType.objects.clear_cache()
    # test_triage's budget for an open claim, unchanged: the e-mails and the form are read
    # off the history the page loads anyway. Session, user, claim+order+center, history
    # with authors, attachments, 2 permissions, policy, outbox rows, phone rows, consents,
    # content type (12), and the suggested centers of the approval step (13).
    with django_assert_max_num_queries(13):
        response = support.get(page_url(claim))
    text = visible_text(response.content.decode())
    assert "Письмо 4" in text and "Ещё 2 письма — в истории." in text


def test_my_repair_shows_the_answer_as_a_message_from_support(support):
    claim = ClaimFactory()
    post_answer(support, claim, "Курьер заберёт завтра.\nДо свидания!")

    html = Client().get(links.my_path(claim)).content.decode()

    assert "Поддержка ответила вам по e-mail" in visible_text(html)
    assert "Курьер заберёт завтра.<br>До свидания!" in html
