"""The e-mails to a service center read as written for its staff: what arrives, from whom,
what to do, in Russian, Kazakh and English, and never the customer's words ("your link",
"you may return it")."""

import pytest

from claims.tests.factories import ClaimFactory
from notifications.models import Notification
from notifications.services import render_email
from notifications.tests.samples import CONTEXTS
from repairs import services
from repairs.tests.factories import ServiceCenterFactory, SupportUserFactory

pytestmark = pytest.mark.django_db
LANGUAGES = ["ru", "kk", "en"]
# What only a customer's e-mail says.
CUSTOMERS_WORDS = [
    "«Мой ремонт»",
    "«Менің жөндеуім»",
    "«My repair»",
    "вы можете вернуть",
    "your personal link",
    "Your claim",
    "Ваша заявка",
]
NEW_ORDER = {
    "ru": [
        "Клиент отправит вам изделие почтой или курьерской службой.",
        "Что придёт:",
        "От кого:",
        "Клиент: Айгерим Сатпаева",
        "Что сделать:",
        "В тот же день составьте акт приёмки в рабочем месте сервиса",
        "распечатанный талон положите в посылку, которой изделие вернётся клиенту.",
        "Не выполняйте платных работ, пока клиент не согласится с их стоимостью",
    ],
    "kk": [
        "Клиент бұйымын сізге поштамен немесе курьерлік қызметпен жібереді.",
        "Не келеді:",
        "Кімнен:",
        "Не істеу керек:",
        "Сол күні сервистің жұмыс орнында қабылдау актісін жасаңыз",
    ],
    "en": [
        "A customer will send you their product by post or courier.",
        "What arrives:",
        "From whom:",
        "Customer: Айгерим Сатпаева",
        "What to do:",
        "Write the intake act in the workbench the same day",
        "put the printed stub into the return parcel.",
        "Do no paid work before the customer accepts its price",
    ],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_new_order_email_tells_the_center_what_arrives_from_whom_and_what_to_do(lang):
    claim = ClaimFactory(full_name="Айгерим Сатпаева")
    services.approve_claim_and_open_order(
        claim=claim, service_center=ServiceCenterFactory(), by=SupportUserFactory()
    )
    row = Notification.objects.get(template="center_new_order")

    _subject, text, html = render_email(template=row.template, language=lang, context=row.context)

    for line in NEW_ORDER[lang]:
        assert line in text
    for part in (text, html):
        assert [words for words in CUSTOMERS_WORDS if words in part] == []


QUOTE_DECIDED = {
    ("ru", True): "в рабочем месте сервиса заказ теперь в статусе «В ремонте».",
    ("ru", False): "Отправьте изделие клиенту в течение 1–2 рабочих дней и укажите в заказе "
    "трек-номер посылки",
    ("kk", True): "сервистің жұмыс орнында тапсырыс енді «Жөндеуде» мәртебесінде.",
    ("kk", False): "Бұйымды 1–2 жұмыс күні ішінде клиентке жіберіп",
    ("en", True): "the order is now “In repair” in the workbench.",
    ("en", False): "Ship the product back within 1–2 working days and enter the parcel's "
    "tracking number on the order",
}


@pytest.mark.parametrize(("lang", "accepted"), list(QUOTE_DECIDED))
def test_the_quote_answer_email_tells_the_center_what_to_do_now(lang, accepted):
    context = {**CONTEXTS["center_quote_decided"], "accepted": accepted}

    _subject, text, html = render_email(
        template="center_quote_decided", language=lang, context=context
    )

    assert QUOTE_DECIDED[lang, accepted] in text
    for part in (text, html):
        assert [words for words in CUSTOMERS_WORDS if words in part] == []
