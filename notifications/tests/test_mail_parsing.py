"""Reading one e-mail from its raw bytes: the new text of a reply (quotes and signatures
trimmed as Gmail, Outlook, Apple Mail and Russian clients write them), the headers we
file by, and what makes a message one to keep aside. Pure: no database."""

import random
from pathlib import Path

import pytest

from notifications.mail_parsing import hashed_message_id, html_to_text, parse_message, trim_reply


@pytest.mark.parametrize(
    ("text", "new"),
    [
        ("Спасибо, получил.", "Спасибо, получил."),
        (
            "Отправил.\n\nOn Mon, Dec 7, 2026 at 10:00 AM DREAME <a@dreame.kz> wrote:\n> Отправьте",
            "Отправил.",
        ),
        (
            "Отправил.\n\nпн, 7 дек. 2026 г. в 10:00, DREAME Support <a@dreame.kz>:\n\n> Отправьте",
            "Отправил.",
        ),
        ('Отправил.\n\n07.12.2026, 10:00, "DREAME" <a@dreame.kz>:\n> Отправьте', "Отправил."),
        (
            "Отправил.\n\n-----Original Message-----\nFrom: DREAME\nSent: Monday\nTo: me\n\nold",
            "Отправил.",
        ),
        (
            "Отправил.\n\nОт: DREAME <a@dreame.kz>\nОтправлено: 7 декабря 2026 г. 10:00\n"
            "Кому: me@example.kz\nТема: Заявка\n\nold",
            "Отправил.",
        ),
        ("Отправил.\n\nС уважением,\nАйгуль", "Отправил."),
        ("Отправил.\n\nОтправлено с iPhone", "Отправил."),
        ("Отправил.\n> старое\n> ещё", "Отправил."),
        # A list is not a signature; thanks in the text are not one either.
        ("Что сломано:\n- щётка\n- колесо", "Что сломано:\n- щётка\n- колесо"),
        ("Добрый день.\nСпасибо, пылесос получил, но не включается.", None),
        ("", ""),
    ],
)
def test_it_keeps_only_what_is_new_in_a_reply(text, new):
    assert trim_reply(text) == (text if new is None else new)


def test_a_reply_that_is_only_a_quote_keeps_its_text():
    text = "On Mon, Dec 7, 2026 at 10:00 AM DREAME <a@dreame.kz> wrote:\n> hi"

    assert trim_reply(text) == text


def test_html_is_read_as_text_without_scripts_or_styles():
    html = "<style>p{}</style><p>Фен &amp; щётка</p><script>alert(1)</script><br>Тел."

    assert html_to_text(html) == "\nФен & щётка\n\nТел."


def test_a_message_without_a_message_id_is_named_by_its_bytes():
    raw = b"From: a@example.kz\r\nSubject: x\r\n\r\nbody"

    assert parse_message(raw).message_id == hashed_message_id(raw)
    assert hashed_message_id(raw) != hashed_message_id(raw + b"!")


@pytest.mark.parametrize(
    "headers",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated",
        "X-Autoreply: yes",
        "Precedence: bulk",
        "X-Autorespond: Out of office",
    ],
)
def test_automatic_answers_are_set_aside(headers):
    raw = f"From: a@example.kz\r\nMessage-ID: <1@x>\r\n{headers}\r\n\r\nAway".encode()

    assert parse_message(raw).aside_reason == "automatic"


def test_a_person_who_says_auto_submitted_no_is_read():
    raw = b"From: a@example.kz\r\nMessage-ID: <1@x>\r\nAuto-Submitted: no\r\n\r\nHello"

    assert parse_message(raw).aside_reason == ""


def test_wrong_charsets_and_garbage_never_raise():
    raw = (
        b"From: =?koi8-r?B?////?= <a@example.kz>\r\nDate: 99 Foo 2026\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n\xd0\xff\xfe text"
    )

    parsed = parse_message(raw)

    assert parsed.sender == "a@example.kz" and parsed.sent_at is None
    assert "text" in parsed.text


def test_any_bytes_at_all_are_read_or_set_aside_never_raised():
    rng = random.Random(21)
    samples = [path.read_bytes() for path in sorted((Path(__file__).parent / "mail").glob("*.eml"))]
    for sample in samples:
        for _ in range(40):
            cut = rng.randrange(len(sample))
            mangled = bytearray(sample[:cut] + sample[cut + rng.randrange(1, 50) :])
            for _ in range(5):
                mangled[rng.randrange(len(mangled))] = rng.randrange(256)
            parsed = parse_message(bytes(mangled))
            assert parsed.message_id
    assert parse_message(b"").aside_reason == "no_sender"
    assert parse_message(bytes(range(256)) * 10).message_id.startswith("<sha256-")
