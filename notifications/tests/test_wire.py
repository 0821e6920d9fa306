"""The outbox's SMTP bytes (notifications.wire) say what Django's own message says."""

import email
import email.policy

import pytest

from notifications import services, wire
from notifications.models import Notification
from notifications.tests.samples import CONTEXTS

LANGUAGES = ("ru", "kk", "en")
THREAD = {"In-Reply-To": "<a1@mail.gmail.com>", "References": "<a0@x.kz> <a1@mail.gmail.com>"}


def notification(template: str, language: str, **fields) -> Notification:
    return Notification(
        pk=7,
        event_key=f"claim:CL-7KQ2M9XW:{template}:1",
        recipient="customer@example.kz",
        template=template,
        language=language,
        context=CONTEXTS[template],
        message_id="<4f1c2a@dreame.kz>",
        **fields,
    )


def parsed(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def what_a_reader_sees(message) -> dict:
    """Headers as decoded, the two bodies, every attachment's name, type and bytes."""
    return {
        "headers": {
            name: str(message[name])
            for name in (
                "Subject",
                "From",
                "To",
                "Reply-To",
                "Message-ID",
                "Content-Language",
                "In-Reply-To",
                "References",
            )
        },
        "text": message.get_body(("plain",)).get_content(),
        "html": message.get_body(("html",)).get_content(),
        "attachments": [
            (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
            for part in message.iter_attachments()
        ],
    }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_every_email_reads_the_same_as_djangos_own(template, language):
    message = services.build_message(notification(template, language, headers=THREAD))
    ours = wire.wire_bytes(message)
    django_bytes = message.message(policy=email.policy.SMTP).as_bytes()

    assert what_a_reader_sees(parsed(ours)) == what_a_reader_sees(parsed(django_bytes))
    assert str(parsed(ours)["Subject"]) == message.subject  # and the subject as rendered
    lines = ours.split(b"\r\n")
    assert all(len(line) <= 998 for line in lines)
    assert b"\n" not in ours.replace(b"\r\n", b"")  # CRLF only, as SMTP wants


def test_an_attachment_with_a_cyrillic_name_arrives_whole():
    message = services.build_message(notification("product_received", "ru"))
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40
    message.attach("Акт приёма 7KQ2M-9XW4D.pdf", pdf, "application/pdf")
    message.attach("notes.txt", "Строка\nвторая", "text/plain")

    reader = what_a_reader_sees(parsed(wire.wire_bytes(message)))

    django_reader = what_a_reader_sees(parsed(message.message(policy=email.policy.SMTP).as_bytes()))
    assert reader["attachments"][0] == ("Акт приёма 7KQ2M-9XW4D.pdf", "application/pdf", pdf)
    assert reader["attachments"][0] == django_reader["attachments"][0]
    # Django's builder ends a text attachment with a line break; the text is the same.
    name, kind, text = reader["attachments"][1]
    assert (name, kind, text) == ("notes.txt", "text/plain", "Строка\r\nвторая".encode())
    assert django_reader["attachments"][1] == (name, kind, text + b"\r\n")
    assert {**reader, "attachments": []} == {**django_reader, "attachments": []}


def test_a_line_longer_than_smtp_carries_goes_quoted_printable_and_comes_back():
    message = services.build_message(notification("claim_received", "kk"))
    message.body = "Ұзын жол " * 300 + "\nсоңы\n"

    raw = wire.wire_bytes(message)

    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    django_bytes = message.message(policy=email.policy.SMTP).as_bytes()
    assert what_a_reader_sees(parsed(raw)) == what_a_reader_sees(parsed(django_bytes))
    assert parsed(raw).get_body(("plain",)).get_content().splitlines() == message.body.splitlines()


def test_names_and_domains_that_are_not_ascii_are_encoded_as_django_encodes_them():
    message = services.build_message(notification("claim_received", "ru"))
    message.from_email = "Сервис DREAME <noreply@dreame.kz>"
    message.to = ["асель@example.kz"]

    with pytest.raises(ValueError, match="address"):
        wire.wire_bytes(message)

    message.to = ["aigerim@пример.қаз"]
    reader = parsed(wire.wire_bytes(message))
    assert str(reader["From"]) == "Сервис DREAME <noreply@dreame.kz>"
    assert str(reader["To"]) == "aigerim@xn--e1afmkfd.xn--80ao21a"


@pytest.mark.parametrize("value", ["<a@b>\r\nBcc: all@example.kz", "<a@b>\nX-Evil: 1"])
def test_a_line_break_in_a_header_is_refused_not_written(value):
    message = services.build_message(
        notification("claim_received", "ru", headers={"In-Reply-To": value})
    )

    with pytest.raises(ValueError, match="line break"):
        wire.wire_bytes(message)
