"""What the customer's phone reads: every event in every language, as registered with Meta."""

import re
from types import SimpleNamespace

import pytest

from claims import links
from notifications import phone_texts
from notifications.phone_texts import LANGUAGES, PHONE_EVENTS, WHATSAPP_TEMPLATES
from notifications.tests.samples import CONTEXTS, HOSTILE_FIELDS

# A production link: a real signed token (22 + 1 + 43 characters) behind a plausible host.
SITE_URL = "https://service.dreame.kz"
LINK = f"{SITE_URL}/my/{links.my_token(SimpleNamespace(link_key=links.new_link_key()))}/"


def sample(event: str, **changes) -> dict:
    return {**CONTEXTS[event], "my_url": LINK, **changes}


# Each registered template with a sample context that picks it.
CASES = {
    "dreame_repair_finished": sample("repair_finished", resolution="warranty_repair"),
    "dreame_repair_finished_paid": sample("repair_finished"),
    "dreame_product_replacement": sample(
        "repair_finished", resolution="replacement", quote_amount=""
    ),
}
SAMPLES = [
    (template, CASES.get(template.name) or sample(template.event), language)
    for template in WHATSAPP_TEMPLATES.values()
    for language in LANGUAGES
]
IDS = [f"{template.name}-{language}" for template, _, language in SAMPLES]


def rendered(template, context, language) -> tuple[dict, str, str]:
    event = template.event
    return (
        phone_texts.whatsapp_template(template=event, language=language, context=context),
        phone_texts.whatsapp_text(template=event, language=language, context=context),
        phone_texts.sms_text(template=event, language=language, context=context),
    )


def test_it_sends_the_customers_news_and_not_reminders():
    assert {
        "claim_received",
        "claim_info_requested",
        "claim_approved",
        "claim_rejected",
        "product_received",
        "quote_sent",
        "order_reassigned",
        "repair_finished",
        "shipped_back",
        "order_refunded",
        "order_cancelled",
    } == PHONE_EVENTS
    assert not PHONE_EVENTS & {"claim_info_reminder", "quote_reminder", "shipment_reminder"}


@pytest.mark.parametrize(("template", "context", "language"), SAMPLES, ids=IDS)
def test_it_renders_every_event_in_every_language(template, context, language):
    message, text, sms = rendered(template, context, language)

    assert message["name"] == template.name
    assert message["language"] == {"code": language}
    [body] = message["components"]
    assert body["type"] == "body"
    assert all(parameter["type"] == "text" for parameter in body["parameters"])
    assert "{" not in text and "{" not in sms
    assert LINK in text.split() and sms.endswith(LINK)


@pytest.mark.parametrize(("template", "context", "language"), SAMPLES, ids=IDS)
def test_its_parameters_fill_the_registered_body(template, context, language):
    message, _, _ = rendered(template, context, language)
    body = template.whatsapp[language]
    numbers = [int(n) for n in re.findall(r"\{\{(\d+)\}\}", body)]

    assert numbers == list(range(1, len(message["components"][0]["parameters"]) + 1))
    # Meta's rules for a body: no parameter first or last, none side by side, ≤ 1024 chars.
    assert not re.match(r"\s*\{\{", body) and not re.search(r"\}\}\s*$", body)
    assert not re.search(r"\}\}\s*\{\{", body)
    assert len(body) <= 1024
    assert re.fullmatch(r"[a-z0-9_]{1,512}", template.name)


@pytest.mark.parametrize(("template", "context", "language"), SAMPLES, ids=IDS)
def test_an_sms_fits_two_parts_with_a_real_link(template, context, language):
    _, _, sms = rendered(template, context, language)

    assert len(LINK) == 96
    assert phone_texts.sms_parts(sms) <= 2, sms


@pytest.mark.parametrize("template", WHATSAPP_TEMPLATES.values(), ids=lambda t: t.name)
def test_kazakh_and_english_are_translations_not_copies(template):
    for language in ("kk", "en"):
        assert template.whatsapp[language] != template.whatsapp["ru"]
        assert template.sms[language] != template.sms["ru"]
    assert re.search("[әғқңөұүһі]", template.whatsapp["kk"])
    assert not re.search("[а-яё]", template.whatsapp["en"], re.IGNORECASE)


def test_it_reads_money_and_dates_as_kazakhstan_writes_them():
    quote = phone_texts.whatsapp_text(
        template="quote_sent", language="ru", context=sample("quote_sent")
    )
    received = phone_texts.whatsapp_text(
        template="claim_received", language="kk", context=sample("claim_received")
    )
    intake = phone_texts.sms_text(
        template="quote_sent", language="en", context=sample("quote_sent")
    )

    assert "Ремонт не покрывается гарантией и стоит 45 000 ₸." in quote
    assert "30.11.2026 дейін жауап береміз" in received
    assert "Order 7KQ2M-9XW4D, repair 45 000 ₸: https://" in intake


def test_it_names_the_center_and_the_parcel_from_our_data():
    approved = phone_texts.whatsapp_text(
        template="claim_approved", language="ru", context=sample("claim_approved")
    )
    shipped = phone_texts.whatsapp_text(
        template="shipped_back", language="en", context=sample("shipped_back")
    )

    assert "Сервис-центр: Сервис-центр «Достык», Алматы, телефон +7 727 200 00 00." in approved
    assert "Carrier: Kazpost, tracking number: RR123456785KZ." in shipped


def test_a_finished_repair_says_what_it_became():
    def name(**changes):
        context = sample("repair_finished", **changes)
        return phone_texts.whatsapp_template(
            template="repair_finished", language="ru", context=context
        )["name"]

    assert name(resolution="paid_repair") == "dreame_repair_finished_paid"
    assert name(resolution="paid_repair", quote_amount="") == "dreame_repair_finished"
    assert name(resolution="warranty_repair") == "dreame_repair_finished"
    assert name(resolution="replacement") == "dreame_product_replacement"
    paid = phone_texts.whatsapp_text(
        template="repair_finished", language="kk", context=sample("repair_finished")
    )
    assert "Төлеуге: 45 000 ₸" in paid


def test_values_are_sanitised_as_meta_takes_them():
    context = sample(
        "shipped_back",
        carrier="Kaz\npost\t\tExpress      (day)",
        tracking_number="",
        order_number="x" * 300,
    )

    message = phone_texts.whatsapp_template(template="shipped_back", language="ru", context=context)
    texts = [parameter["text"] for parameter in message["components"][0]["parameters"]]

    assert texts[1] == "Kaz post Express (day)"
    assert texts[2] == "—"
    assert len(texts[0]) == phone_texts.MAX_VALUE_CHARS and texts[0].endswith("…")
    for text in texts:
        assert text and not re.search(r"[\n\t]| {5}", text)


def test_nothing_the_customer_typed_reaches_the_phone():
    for event in PHONE_EVENTS:
        context = sample(event, **HOSTILE_FIELDS)
        for language in LANGUAGES:
            texts = [
                phone_texts.whatsapp_text(template=event, language=language, context=context),
                phone_texts.sms_text(template=event, language=language, context=context),
            ]
            assert not any("refund.example" in text for text in texts), event


def test_an_unknown_language_reads_russian():
    context = sample("claim_received")

    sms = phone_texts.sms_text(template="claim_received", language="de", context=context)
    message = phone_texts.whatsapp_template(
        template="claim_received", language="de", context=context
    )

    assert sms == f"Заявка CL-7KQ2M9XW принята: {LINK}"
    assert message["language"] == {"code": "ru"}


def test_an_event_without_phone_text_is_refused():
    with pytest.raises(ValueError):
        phone_texts.sms_text(
            template="quote_reminder", language="ru", context=sample("quote_reminder")
        )


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("[" * 80, 1),  # the extension set costs two septets
        ("[" * 81, 2),
        ("я" * 70, 1),
        ("я" * 71, 2),
        ("я" * 134, 2),
        ("я" * 135, 3),
        ("a" * 69 + "₸", 1),  # one tenge sign makes an English text UCS-2
        ("a" * 70 + "₸", 2),
    ],
)
def test_it_counts_sms_parts_as_operators_bill_them(text, parts):
    assert phone_texts.sms_parts(text) == parts


def test_the_registration_requests_carry_the_texts_as_sent():
    requests = phone_texts.registration_requests()

    assert len(requests) == len(WHATSAPP_TEMPLATES) * 3
    for request in requests:
        template = WHATSAPP_TEMPLATES[request["name"]]
        [body] = request["components"]
        assert request["category"] == "UTILITY"
        assert body["text"] == template.whatsapp[request["language"]]
        assert len(body["example"]["body_text"][0]) == len(template.values)
