"""What a customer typed reaches no e-mail as our words, nor as a link (issue 17, item 7).

A stranger may file a claim to someone else's address with a name and a free-text model
that read like a DREAME notice. Customer e-mails greet without the name, name the typed
model only in a labelled "you gave in the claim" block, and every typed value is made inert
(`email_format.inert`) so no mail client turns a domain or a URL in it into a link.
"""

import pytest

from notifications.services import render_email
from notifications.templatetags.email_format import inert
from notifications.tests.samples import CONTEXTS, HOSTILE_FIELDS, HOSTILE_NAME

STAFF_TEMPLATES = sorted(t for t in CONTEXTS if t.startswith(("staff_", "center_")))
CUSTOMER_TEMPLATES = sorted(set(CONTEXTS) - set(STAFF_TEMPLATES))
INERT_MODEL = "Возврат средств: войдите на https:// dreame-refund. example/kz"


def _hostile(template: str) -> dict:
    context = dict(CONTEXTS[template])
    context.update({key: value for key, value in HOSTILE_FIELDS.items() if key in context})
    context["full_name"] = HOSTILE_NAME
    return context


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("dreame-refund.example", "dreame-refund. example"),
        ("https://dreame-refund.example/kz", "https:// dreame-refund. example/kz"),
        ("WWW.DREAME-REFUND.KZ", "WWW. DREAME-REFUND. KZ"),
        ("ivan@mail.ru", "ivan@mail. ru"),
        ("возврат.рф", "возврат. рф"),
        ("dreame-refund。example", "dreame-refund。 example"),  # a full stop browsers accept
        ("dreame-refund.\u200bexample", "dreame-refund. example"),  # a hidden mark dropped
        ("http://93.184.216.34/", "http:// 93. 184. 216. 34/"),
        ("г.Алматы, ул. Абая 10", "г. Алматы, ул. Абая 10"),
        ("DREAME L20 Ultra", "DREAME L20 Ultra"),
        ("v2.0, 1.5 кг, 12.03.2026", "v2.0, 1.5 кг, 12.03.2026"),
        ("Конец.", "Конец."),
        ("", ""),
    ],
)
def test_it_breaks_what_a_mail_client_would_link_and_leaves_the_rest_as_typed(typed, shown):
    assert inert(typed) == shown


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
@pytest.mark.parametrize("template", CUSTOMER_TEMPLATES)
def test_a_customer_email_greets_without_the_typed_name_and_links_nothing_typed(template, language):
    subject, text, html = render_email(
        template=template, language=language, context=_hostile(template)
    )
    for part in (subject, text, html):
        assert "ВОЗВРАТ" not in part  # the name is never in a customer e-mail
        assert "dreame-refund.example" not in part
        assert "://dreame-refund" not in part
    greeting = {"ru": "Здравствуйте!", "kk": "Сәлеметсіз бе!", "en": "Hello!"}[language]
    assert text.startswith(greeting)
    assert f"<p>{greeting}</p>" in html


@pytest.mark.parametrize("template", CUSTOMER_TEMPLATES)
def test_a_typed_model_appears_only_in_the_labelled_block_and_inert(template):
    _subject, text, html = render_email(
        template=template, language="ru", context=_hostile(template)
    )
    for part in (text, html):
        assert part.count("Возврат средств") == part.count("Вы указали в заявке:")
    if "Вы указали в заявке:" in text:
        assert f"Вы указали в заявке:\nМодель товара: {INERT_MODEL}\n" in text
        assert f"{INERT_MODEL}</td>" in html


@pytest.mark.parametrize("template", STAFF_TEMPLATES)
def test_a_staff_email_shows_the_typed_name_as_typed_but_inert(template):
    subject, text, html = render_email(template=template, language="ru", context=_hostile(template))
    for part in (subject, text, html):
        assert "dreame-refund.example" not in part
    if template != "center_quote_decided":  # that one names the center, not the customer
        assert "ВОЗВРАТ-2000₸-НА-dreame-refund. example Иван" in text
    if template.startswith("center_"):
        assert "Здравствуйте, Сервис-центр «Достык»!" in text  # our name for our center
