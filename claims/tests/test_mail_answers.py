"""Support's answer by e-mail (claims.mail_answers): the history row, the outbox row with the
thread's headers, once per form; what «Мой ремонт» shows of it."""

import pytest
from django.core.exceptions import ValidationError

from claims import mail_answers
from claims.mail_replies import EMAIL_REPLY
from claims.models import Claim, StatusEvent
from claims.phone_replies import unanswered_replies
from claims.services import record_status_event
from claims.tests.factories import ClaimFactory
from notifications.models import Notification
from notifications.services import build_message, message_id_for, queue_email
from repairs.tests.factories import SupportUserFactory

pytestmark = pytest.mark.django_db

TOKEN = "a" * 32


def file_reply(claim, *, message_id, references="", subject="", text="Когда заберёте?"):
    """A customer's e-mail as the support mailbox files it (issue 21, H2's contract)."""
    return record_status_event(
        claim=claim,
        transition=EMAIL_REPLY,
        from_status=claim.status,
        to_status=claim.status,
        by_customer=True,
        internal_note=text,
        note_params={"message_id": message_id, "references": references, "subject": subject},
    )


def test_it_records_the_answer_for_the_customer_and_queues_it_in_the_thread():
    claim = ClaimFactory()
    file_reply(
        claim,
        message_id="<reply-1@mail.example.kz>",
        references="<root@dreame.example> <mid@mail.example.kz>",
        subject=f"RE: Fwd: Заявка {claim.number} принята",
    )
    agent = SupportUserFactory()

    event, written = mail_answers.answer_by_email(
        claim=claim, text="  Курьер заберёт завтра.  ", by=agent, form_token=TOKEN
    )

    assert written is True
    assert (event.transition, event.by, event.by_customer) == ("email_answer", agent, False)
    assert event.public_note == "Курьер заберёт завтра."  # the customer's to read
    assert event.note_params["in_reply_to"] == "<reply-1@mail.example.kz>"
    mail = Notification.objects.get(template="support_answer")
    assert mail.event_key == f"claim:{claim.number}:support_answer:{event.pk}"
    assert (mail.recipient, mail.language) == (claim.email, "ru")
    assert mail.headers == {
        "In-Reply-To": "<reply-1@mail.example.kz>",
        "References": "<root@dreame.example> <mid@mail.example.kz> <reply-1@mail.example.kz>",
    }
    assert mail.context["answer_text"] == "Курьер заберёт завтра."
    assert mail.context["thread_subject"] == f"Заявка {claim.number} принята"
    assert mail.context["personal_link"] is True


def test_it_answers_the_newest_of_the_customers_emails():
    claim = ClaimFactory()
    file_reply(claim, message_id="<old@mail.example.kz>")
    file_reply(claim, message_id="<new@mail.example.kz>", references="<old@mail.example.kz>")

    thread = mail_answers.thread_for(claim)

    assert thread.in_reply_to == "<new@mail.example.kz>"
    assert thread.references == "<old@mail.example.kz> <new@mail.example.kz>"


def test_a_long_thread_keeps_its_first_and_newest_message_ids():
    claim = ClaimFactory()
    earlier = " ".join(f"<m{n}@mail.example.kz>" for n in range(30))
    file_reply(claim, message_id="<last@mail.example.kz>", references=earlier)

    references = mail_answers.thread_for(claim).references.split()

    assert len(references) == mail_answers.MAX_REFERENCES
    assert references[0] == "<m0@mail.example.kz>"
    assert references[-2:] == ["<m29@mail.example.kz>", "<last@mail.example.kz>"]


def test_what_is_not_a_message_id_never_reaches_a_header():
    claim = ClaimFactory()
    file_reply(
        claim,
        message_id="<x@evil.example>\r\nBcc: all@example.kz",
        references="junk <a b@c> <ok@mail.example.kz>",
        subject="Срочно!",  # names no claim number: the answer uses its own subject
    )

    thread = mail_answers.thread_for(claim)

    assert thread.in_reply_to == "<x@evil.example>"
    assert thread.references == "<ok@mail.example.kz> <x@evil.example>"
    assert thread.subject == ""


def test_before_the_customer_writes_it_joins_our_first_email_without_in_reply_to():
    claim = ClaimFactory()
    first = queue_email(
        event_key=f"claim:{claim.number}:claim_received:1",
        recipient=claim.email,
        template="claim_received",
        language="ru",
        context={},
    )
    queue_email(
        event_key=f"claim:{claim.number}:staff_new_claim:1",
        recipient="dreamesupport@dreame.tech",
        template="staff_new_claim",
        language="ru",
        context={},
    )

    mail_answers.answer_by_email(claim=claim, text="Здравствуйте!", by=None)

    mail = Notification.objects.get(template="support_answer")
    assert mail.headers == {"References": message_id_for(first)}


def test_with_no_email_at_all_the_answer_goes_without_thread_headers():
    claim = ClaimFactory()

    mail_answers.answer_by_email(claim=claim, text="Здравствуйте!", by=None)

    assert Notification.objects.get(template="support_answer").headers == {}


def test_the_same_form_sent_twice_answers_once():
    claim = ClaimFactory()

    first, written = mail_answers.answer_by_email(
        claim=claim, text="Ответ", by=None, form_token=TOKEN
    )
    again, written_again = mail_answers.answer_by_email(
        claim=claim, text="Ответ", by=None, form_token=TOKEN
    )
    other, _ = mail_answers.answer_by_email(claim=claim, text="Ещё", by=None, form_token="b" * 32)

    assert (written, written_again) == (True, False)
    assert again == first and other != first
    assert Notification.objects.filter(template="support_answer").count() == 2


@pytest.mark.parametrize(
    ("text", "code"), [("   ", "text_required"), ("я" * 10001, "text_too_long")]
)
def test_an_empty_or_endless_answer_is_refused_and_nothing_is_recorded(text, code):
    claim = ClaimFactory()

    with pytest.raises(ValidationError) as refused:
        mail_answers.answer_by_email(claim=claim, text=text, by=None)

    assert refused.value.code == code
    assert not StatusEvent.objects.filter(transition="email_answer").exists()
    assert not Notification.objects.exists()


def test_the_outbox_sends_the_thread_headers_and_no_other_header():
    claim = ClaimFactory(language="kk")
    file_reply(claim, message_id="<r@mail.example.kz>", subject=f"Re: {claim.number}")
    mail_answers.answer_by_email(claim=claim, text="Сәлеметсіз бе!", by=None)
    mail = Notification.objects.get(template="support_answer")

    message = build_message(mail).message()

    assert message["In-Reply-To"] == "<r@mail.example.kz>"
    assert message["References"] == "<r@mail.example.kz>"
    assert message["Message-ID"] == message_id_for(mail)
    assert message["Subject"] == f"Re: {claim.number}"
    with pytest.raises(ValueError, match="no such header"):
        queue_email(
            event_key="x",
            recipient=claim.email,
            template="support_answer",
            language="ru",
            context={},
            headers={"Bcc": "all@example.kz"},
        )


def test_an_answer_counts_as_the_answer_to_the_customers_email():
    claim = ClaimFactory()
    file_reply(claim, message_id="<r@mail.example.kz>")
    assert list(unanswered_replies(Claim.objects.all())) == [claim]

    mail_answers.answer_by_email(claim=claim, text="Ответ", by=SupportUserFactory())

    assert not unanswered_replies(Claim.objects.all()).exists()


def test_a_claim_without_an_address_cannot_be_answered_by_email():
    claim = ClaimFactory(email="")

    with pytest.raises(ValidationError) as refused:
        mail_answers.answer_by_email(claim=claim, text="Ответ", by=None)

    assert refused.value.code == "no_email"
    assert not Notification.objects.exists()
