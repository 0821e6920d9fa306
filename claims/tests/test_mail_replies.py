"""The support mailbox on a real IMAP server (Dovecot on loopback): a customer's reply to
our e-mail lands in its claim's history once, with its files; a new message is a draft
with what could be read in it; hostile, broken and automatic messages are kept aside."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import translation

from claims.mail_replies import EMAIL_REPLY, ORDER_NUMBER, found_numbers
from claims.models import AttachmentKind, ClaimAttachment, StatusEvent
from claims.tests.factories import ClaimFactory
from claims.tests.mail import eml, our_email, reply
from notifications import mailbox
from notifications.models import InboundEmail, Notification
from notifications.tasks import fetch_support_mail as fetch_support_mail_task
from repairs import order_numbers
from repairs.history import case_history
from repairs.tests.factories import SupportUserFactory
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

GMAIL_NEW_TEXT = (
    "Здравствуйте! Пылесос отправил курьером СДЭК, трек 1234567890.\n"
    "Когда примерно будет готово?\n\nИван"
)


def fetch() -> str:
    out = io.StringIO()
    call_command("fetch_support_mail", stdout=out)
    return out.getvalue()


@pytest.fixture
def support():
    client = Client()
    client.force_login(SupportUserFactory())
    return client


def test_a_gmail_reply_to_our_email_is_in_the_claims_history_once(imap_mailbox, support):
    claim = ClaimFactory()
    ours = our_email(claim)
    # Another address than the claim's: the thread headers name our e-mail, that is enough.
    imap_mailbox.append(reply(claim, sender="ivan.other@example.kz", ref=ours.message_id))

    summary = fetch()
    fetch()  # the next minute's run finds nothing new

    assert "Read 1 messages: 1 new" in summary
    [event] = StatusEvent.objects.filter(transition=EMAIL_REPLY)
    assert event.claim == claim and event.by_customer and event.by is None
    assert event.internal_note == GMAIL_NEW_TEXT  # the quoted history trimmed
    assert event.note_params == {
        "message_id": "<CAGmail-reply-0001@mail.gmail.com>",
        "references": ours.message_id,
        "subject": f"Re: Заявка {claim.number} одобрена: куда отправить товар",
    }
    inbound = InboundEmail.objects.get()
    assert inbound.state == InboundEmail.State.FILED and inbound.claim_number == claim.number
    assert inbound.raw.read().startswith(b"MIME-Version: 1.0")
    assert imap_mailbox.unseen() == 0
    # Support's claim page shows it right after the command's run.
    page = visible_text(
        support.get(
            f"/admin/claims/claim/{claim.pk}/change/", headers={"accept-language": "ru"}
        ).content.decode()
    )
    assert "Письмо от клиента" in page and "Пылесос отправил курьером СДЭК" in page
    assert "Заявка одобрена, отправьте товар" not in page


@pytest.mark.parametrize(
    ("language", "label", "who"),
    [
        ("ru", "Письмо от клиента", "Клиент"),
        ("kk", "Клиенттің хаты", "Клиент"),
        ("en", "E-mail from the customer", "Customer"),
    ],
)
def test_the_history_names_an_email_reply_in_every_language(language, label, who):
    claim = ClaimFactory()
    StatusEvent.objects.create(
        claim=claim,
        transition=EMAIL_REPLY,
        from_status=claim.status,
        to_status=claim.status,
        by_customer=True,
        internal_note="Когда будет готово?",
        note_params={"message_id": "<a@b>", "references": "", "subject": "Re"},
    )
    with translation.override(language):
        [row] = case_history(claim)
    assert (row.what, row.who, row.internal_note) == (label, who, "Когда будет готово?")


def test_an_outlook_reply_in_windows_1251_is_filed_by_the_claim_number_in_its_subject(
    imap_mailbox,
):
    claim = ClaimFactory(email="aigul@example.kz")
    imap_mailbox.append(reply(claim, name="outlook_reply.eml", sender="Aigul@Example.kz"))

    fetch()

    [event] = StatusEvent.objects.filter(claim=claim, transition=EMAIL_REPLY)
    assert event.internal_note == (
        "Добрый день!\nСерийный номер на наклейке: P2114ABC12345. Чек приложу позже."
    )


def test_a_subject_naming_someone_elses_claim_makes_a_draft_not_a_reply(imap_mailbox):
    claim = ClaimFactory(email="aigul@example.kz")
    imap_mailbox.append(reply(claim, name="outlook_reply.eml", sender="stranger@example.kz"))

    fetch()

    assert not StatusEvent.objects.filter(transition=EMAIL_REPLY).exists()
    inbound = InboundEmail.objects.get()
    assert inbound.state == InboundEmail.State.DRAFT
    assert inbound.claim_numbers == [claim.number]
    assert inbound.phones == ["+77015554433"]


def test_a_reply_to_an_order_email_is_filed_by_the_order_number_in_its_subject(imap_mailbox):
    claim = ClaimFactory(email="aigul@example.kz")
    number = order_numbers.generate()
    Notification.objects.create(
        event_key=f"order:{number}:delivered:7",
        recipient=claim.email,
        template="delivered",
        language="ru",
        context={"claim_number": claim.number, "order_number": order_numbers.display(number)},
    )
    raw = eml("new_koi8r.eml").replace(
        b"Subject: ", f"Subject: Re: {order_numbers.display(number)} ".encode(), 1
    )
    raw = raw.replace(b"kairat@example.kz", b"aigul@example.kz")
    imap_mailbox.append(raw)

    fetch()

    assert StatusEvent.objects.filter(claim=claim, transition=EMAIL_REPLY).count() == 1


def test_files_in_a_reply_pass_the_upload_checks_and_a_refused_one_is_named(imap_mailbox):
    claim = ClaimFactory()
    ours = our_email(claim)
    imap_mailbox.append(reply(claim, name="attachments_reply.eml", ref=ours.message_id))

    fetch()

    files = ClaimAttachment.objects.filter(claim=claim)
    assert [f.kind for f in files] == [AttachmentKind.EMAIL, AttachmentKind.EMAIL]
    assert sorted(f.file.name.rsplit(".", 1)[1] for f in files) == ["pdf", "png"]
    [event] = StatusEvent.objects.filter(transition=EMAIL_REPLY)
    assert event.internal_note.startswith("Фото серийного номера и чек во вложении.")
    assert "Вложения не приняты:\n— photos.zip: Такой тип файла не принимается" in (
        event.internal_note
    )


def test_a_new_message_becomes_a_draft_with_what_could_be_read(imap_mailbox):
    ClaimFactory(email="kairat@example.kz")  # the address alone never files a message
    imap_mailbox.append(eml("new_koi8r.eml"))

    fetch()

    draft = InboundEmail.objects.get()
    assert draft.state == InboundEmail.State.DRAFT
    assert (draft.sender, draft.sender_name) == ("kairat@example.kz", "Кайрат Нурланов")
    assert draft.subject == "Пылесос не заряжается"
    assert "перестал заряжаться" in draft.text
    assert draft.phones == ["+77011234567"]
    assert draft.order_numbers == ["7KQ2M-9XW4D"]
    assert draft.serial_numbers == ["R2228ZZ0012345"]
    assert not StatusEvent.objects.filter(transition=EMAIL_REPLY).exists()


def mime_bomb() -> bytes:
    """A message nested far deeper than any mail client writes."""
    depth = 60
    head = b"".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n'.encode()
        for i in range(depth)
    )
    tail = b"".join(f"\r\n--b{i}--\r\n".encode() for i in reversed(range(depth)))
    return (
        b"From: bomb@example.kz\r\nMessage-ID: <bomb@example.kz>\r\n"
        + head
        + b"Content-Type: text/plain\r\n\r\nboom"
        + tail
    )


def test_broken_hostile_and_automatic_messages_are_kept_aside_never_lost(imap_mailbox, settings):
    claim = ClaimFactory()
    ours = our_email(claim)
    settings.SUPPORT_MAIL_MAX_BYTES = 50_000
    huge = eml("new_koi8r.eml").replace(b"<new-koi8-0001@", b"<huge@") + b"x" * 60_000
    imap_mailbox.append(
        reply(claim, name="autoreply.eml", ref=ours.message_id),
        eml("bounce.eml"),
        eml("no_headers.eml"),
        mime_bomb(),
        huge,
        eml("html_only.eml"),
    )

    summary = fetch()

    assert "Read 6 messages: 6 new" in summary
    assert not StatusEvent.objects.filter(transition=EMAIL_REPLY).exists()  # nobody answered
    aside = dict(
        InboundEmail.objects.filter(state=InboundEmail.State.ASIDE).values_list("sender", "aside")
    )
    assert aside == {
        claim.email: "automatic",
        "mailer-daemon@mx.example.kz": "automatic",
        "": "no_sender",
        "bomb@example.kz": "nested",
        "kairat@example.kz": "too_large",
    }
    for inbound in InboundEmail.objects.all():
        assert inbound.raw.size > 0  # the original is kept for every one of them
    too_large = InboundEmail.objects.get(sender="kairat@example.kz")
    assert too_large.raw_size == len(huge) and too_large.raw.size < 1000  # its headers
    html = InboundEmail.objects.get(state=InboundEmail.State.DRAFT)
    assert html.text == "Помогите, фен не включается!\n\nТел. +7 777 111 22 33"
    assert html.phones == ["+77771112233"]
    assert imap_mailbox.unseen() == 0


def test_a_crash_between_the_row_and_the_seen_flag_stores_nothing_twice(imap_mailbox):
    claim = ClaimFactory()
    ours = our_email(claim)
    raw = reply(claim, ref=ours.message_id)
    imap_mailbox.append(raw)
    mailbox.store_message(raw=raw)  # stored, and then the poller died before \Seen

    summary = fetch()

    assert "1 already kept" in summary
    assert InboundEmail.objects.count() == 1
    assert StatusEvent.objects.filter(transition=EMAIL_REPLY).count() == 1  # handed on once
    assert imap_mailbox.unseen() == 0


@pytest.mark.django_db(transaction=True)
def test_two_pollers_at_once_file_each_message_once(imap_mailbox, postgres_db):
    claim = ClaimFactory()
    ours = our_email(claim)
    messages = [
        reply(claim, ref=ours.message_id).replace(
            b"<CAGmail-reply-0001@", f"<CAGmail-reply-{n:04d}@".encode()
        )
        for n in range(30)
    ]
    imap_mailbox.append(*messages)
    errors = []
    start = threading.Barrier(2)

    def poll():
        try:
            start.wait()
            mailbox.fetch_support_mail()
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    pollers = [threading.Thread(target=poll) for _ in range(2)]
    for poller in pollers:
        poller.start()
    for poller in pollers:
        poller.join(60)

    assert errors == []
    assert InboundEmail.objects.count() == 30
    assert set(InboundEmail.objects.values_list("state", flat=True)) == {"filed"}
    assert StatusEvent.objects.filter(transition=EMAIL_REPLY).count() == 30
    assert imap_mailbox.unseen() == 0


def test_the_command_says_when_the_mailbox_is_not_configured(settings):
    settings.SUPPORT_IMAP_URL = ""

    assert "not configured" in fetch()


def test_a_mailbox_that_refuses_the_login_is_a_clear_error(imap_mailbox, settings):
    settings.SUPPORT_IMAP_URL = imap_mailbox.url.replace("mailbox-pass", "wrong")

    with pytest.raises(Exception, match="could not be read"):
        fetch()


def test_the_order_number_pattern_is_the_printed_order_number():
    for _ in range(50):
        printed = order_numbers.display(order_numbers.generate())
        assert ORDER_NUMBER.fullmatch(printed)
    assert found_numbers("+7 727 355 00 00")["phones"] == []  # support's own number


def test_beats_task_reads_the_mailbox_and_does_nothing_unconfigured(imap_mailbox, settings):
    claim = ClaimFactory()
    imap_mailbox.append(reply(claim, ref=our_email(claim).message_id))

    assert fetch_support_mail_task() == {"fetched": 1, "stored": 1, "duplicates": 0, "handed": 1}
    settings.SUPPORT_IMAP_URL = ""
    assert fetch_support_mail_task() == {"configured": False}
    assert settings.CELERY_BEAT_SCHEDULE["fetch-support-mail"]["task"] == (
        "notifications.fetch_support_mail"
    )
