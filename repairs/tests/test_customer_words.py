"""What the customer reads says what they need (issue 19): that a quote is answered on «Мой
ремонт» or by phone, what a finished repair was and what it costs, a heading that is true
in every state, one history order, phones as people write them. Read from the rendered
e-mails (the outbox row as it is sent) and pages, in Russian, Kazakh and English."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from claims.tests.factories import ClaimFactory
from notifications.models import Notification
from notifications.services import build_message
from repairs.models import OrderStatus
from repairs.tests.factories import (
    ServiceCenterFactory,
    TechnicianFactory,
    make_order,
    quote_lines,
    step,
    with_final_verdict,
)
from repairs.tests.my_repair.helpers import my_path
from repairs.tests.status_lookup import URL, filled_order, stub_query
from tests.pages import visible_text

S = OrderStatus
pytestmark = pytest.mark.django_db
LANGUAGES = ["ru", "kk", "en"]
# The answer online, the phone beside it, in each language.
ONLINE = {
    "ru": "Согласиться со стоимостью или отказаться можно онлайн на вашей личной странице "
    "«Мой ремонт»",
    "kk": "Бағаны жеке «Менің жөндеуім» бетіңізде онлайн қабылдауға немесе одан бас тартуға болады",
    "en": "You can accept or decline the price online, on «My repair», your personal page",
}
BY_PHONE = {
    "ru": "Также можно позвонить в сервисный центр: +7 727 355 01 01.",
    "kk": "Сондай-ақ сервис орталығына қоңырау шалуға болады: +7 727 355 01 01.",
    "en": "You can also call the service center: +7 727 355 01 01.",
}


def sent(template: str) -> tuple[str, str, str]:
    """The latest e-mail of `template` as it leaves the outbox: subject, text and HTML."""
    message = build_message(Notification.objects.filter(template=template).latest("pk"))
    html = message.alternatives[0][0]
    return message.subject, message.body, html


def one_line(text: str) -> str:
    return " ".join(text.split())


def a_center_technician():
    return TechnicianFactory(
        service_center=ServiceCenterFactory(phone="+77273550101", whatsapp="+77015554433")
    )


# --- The quote: answered on «Мой ремонт», or by phone --------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_tells_the_customer_the_quote_is_answered_on_my_repair_or_by_phone(language):
    technician = a_center_technician()
    order = make_order(status=S.DIAGNOSTICS, technician=technician, language=language)
    order = with_final_verdict(order, "paid_repair")

    step(order, "send_quote", by=technician.user, lines=quote_lines(38500))

    _subject, text, html = sent("quote_sent")
    link = my_path(order)
    for body in (one_line(text), one_line(visible_text(html))):
        assert ONLINE[language] in body
        assert BY_PHONE[language] in body
    assert link in text and link in html
    # no longer "call to decide" as the only way
    assert "позвоните в сервисный центр" not in text
    assert "Please call the service center" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_quote_reminder_says_the_same(language):
    technician = a_center_technician()
    order = make_order(status=S.DIAGNOSTICS, technician=technician, language=language)
    order = with_final_verdict(order, "paid_repair")
    step(order, "send_quote", by=technician.user, lines=quote_lines(38500))
    quote = Notification.objects.get(template="quote_sent")
    reminder = Notification.objects.create(
        event_key="test:quote_reminder",
        recipient=quote.recipient,
        template="quote_reminder",
        language=language,
        context=quote.context,
    )

    message = build_message(reminder)

    assert ONLINE[language] in one_line(message.body)
    assert BY_PHONE[language] in one_line(message.body)
    assert my_path(order) in message.body


def test_without_a_personal_link_the_quote_email_still_gives_the_phone():
    technician = a_center_technician()
    order = make_order(status=S.DIAGNOSTICS, technician=technician)
    order = with_final_verdict(order, "paid_repair")
    step(order, "send_quote", by=technician.user, lines=quote_lines(38500))
    quote = Notification.objects.get(template="quote_sent")
    quote.context = {**quote.context, "personal_link": False}

    text = build_message(quote).body

    assert "/my/" not in text
    assert "позвоните в сервисный центр: +7 727 355 01 01" in one_line(text)


@pytest.mark.parametrize(
    ("language", "online", "phone"),
    [
        (
            "ru",
            "Принять стоимость или отказаться можно на странице «Мой ремонт»: откройте её по "
            "личной ссылке из любого нашего письма. Или позвоните в сервисный центр.",
            "Чтобы ответить по телефону, позвоните в сервисный центр и назовите номер заказа: "
            "+7 727 244 00 55",
        ),
        (
            "kk",
            "Бағаны «Менің жөндеуім» бетінде қабылдауға немесе одан бас тартуға болады: бетті "
            "біздің кез келген хатымыздағы жеке сілтеме арқылы ашыңыз.",
            "Телефон арқылы жауап беру үшін сервис орталығына қоңырау шалып, тапсырыс нөмірін "
            "айтыңыз: +7 727 244 00 55",
        ),
        (
            "en",
            "Accept or decline the price on «My repair»: open it with the personal link in any "
            "of our e-mails. Or call the service center.",
            "To answer by phone, call the service center and give your order number: "
            "+7 727 244 00 55",
        ),
    ],
)
def test_the_status_page_says_where_to_answer_the_quote_without_a_personal_link(
    client, language, online, phone
):
    order = filled_order(to=S.AWAITING_APPROVAL)

    html = client.get(URL, stub_query(order), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    text = one_line(visible_text(html))
    assert online in text and phone in text
    # No personal link here (the page is public), only the page that sends it again.
    assert my_path(order) not in html
    assert 'href="/my/"' in html


def test_the_status_pages_next_step_for_a_quote_names_my_repair_and_the_phone(client):
    order = filled_order(to=S.AWAITING_APPROVAL)

    text = one_line(visible_text(client.get(URL, stub_query(order)).content.decode()))

    assert (
        "Принять стоимость или отказаться можно на странице «Мой ремонт»: откройте её по "
        "личной ссылке из любого нашего письма. Или позвоните в сервисный центр." in text
    )


# --- The finished repair: what was done, what to pay, what happens next -------------------


def paid_repair_finished(language: str):
    technician = a_center_technician()
    order = make_order(status=S.DIAGNOSTICS, technician=technician, language=language)
    order = with_final_verdict(order, "paid_repair")
    order = step(order, "send_quote", by=technician.user, lines=quote_lines(38500))
    order = step(order, "accept_quote", by=technician.user)
    return step(order, "complete", by=technician.user, work_done="Заменена плата управления.")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ru",
            [
                "Что сделано: Заменена плата управления.",
                "К оплате: 38 500 ₸ — стоимость ремонта, с которой вы согласились.",
                "Оплата при получении в сервисном центре или по согласованию с центром.",
                "По вопросам оплаты звоните в сервисный центр: +7 727 355 01 01.",
                "Что дальше: обычно сервисный центр отправляет товар вам обратно в течение "
                "1–2 рабочих дней; вы получите письмо с трек-номером.",
            ],
        ),
        (
            "kk",
            [
                "Не істелді: Заменена плата управления.",
                "Төленетін сома: 38 500 ₸ — сіз келіскен жөндеу құны.",
                "Төлем сервис орталығында тауарды алған кезде немесе орталықпен келісім "
                "бойынша жасалады.",
                "Әрі қарай: сервис орталығы әдетте тауарды 1–2 жұмыс күні ішінде сізге кері "
                "жібереді",
            ],
        ),
        (
            "en",
            [
                "What was done: Заменена плата управления.",
                "To pay: 38 500 ₸, the repair price you accepted.",
                "Payment on collection at the service center, or as agreed with the center.",
                "Questions about payment: call the service center, +7 727 355 01 01.",
                "What happens next: the service center usually sends the product back to you "
                "within 1–2 working days",
            ],
        ),
    ],
)
def test_the_finished_paid_repair_says_what_was_done_what_to_pay_and_what_next(language, expected):
    paid_repair_finished(language)

    _subject, text, html = sent("repair_finished")

    for body in (one_line(text), one_line(visible_text(html))):
        for sentence in expected:
            assert sentence in body


@pytest.mark.parametrize(
    ("language", "free"),
    [
        ("ru", "Платить ничего не нужно: это покрывает гарантия."),
        ("kk", "Ештеңе төлеудің қажеті жоқ: мұны кепілдік өтейді."),
        ("en", "Nothing to pay: the warranty covers it."),
    ],
)
def test_a_warranty_repair_and_a_replacement_cost_nothing_and_name_the_new_unit(language, free):
    technician = a_center_technician()
    order = make_order(status=S.IN_REPAIR, technician=technician, language=language)
    step(order, "complete", by=technician.user, work_done="Почищен датчик.")
    _subject, text, _html = sent("repair_finished")
    assert free in one_line(text) and "₸" not in text
    assert "Почищен датчик." in text

    order = make_order(status=S.DIAGNOSTICS, technician=technician, language=language)
    order = with_final_verdict(order, "replace_or_refund")
    step(order, "resolve_replacement", by=technician.user, new_serial="SN-NEW-777")
    _subject, text, html = sent("repair_finished")
    serial = {"ru": "Серийный номер нового устройства:", "kk": "Жаңа құрылғының сериялық нөмірі:",
              "en": "Serial number of the new unit:"}[language]  # fmt: skip
    assert f"{serial} SN-NEW-777" in one_line(text)
    assert f"{serial} SN-NEW-777" in one_line(visible_text(html))
    assert free in one_line(text)


# --- The heading over the state: true in every state --------------------------------------


@pytest.mark.parametrize(
    ("language", "now", "where"),
    [
        ("ru", "Что сейчас происходит", "Где сейчас ваше изделие"),
        ("kk", "Қазір не болып жатыр", "Өніміңіз қазір қай кезеңде"),
        ("en", "What is happening now", "Where your product is now"),
    ],
)
def test_while_the_product_is_at_home_the_page_says_what_happens_not_where_it_is(
    client, language, now, where
):
    claim = ClaimFactory(language=language)
    text = visible_text(client.get(my_path(claim), HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert now in text and where not in text

    order = make_order(status=S.AWAITING_SHIPMENT, language=language)
    text = visible_text(client.get(my_path(order), HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert now in text and where not in text

    order = make_order(status=S.IN_TRANSIT, language=language)
    text = visible_text(client.get(my_path(order), HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert where in text and now not in text


def test_the_status_page_heads_each_state_truthfully(client):
    received = filled_order(to=S.RECEIVED)
    text = visible_text(client.get(URL, stub_query(received)).content.decode())
    assert "Где сейчас ваше изделие" in text

    diagnostics = step(received, "start_diagnostics", by=User.objects.get(username="timur.tech"))
    cache.clear()  # the cached answer is forgotten after the commit, which tests do not run
    text = visible_text(client.get(URL, stub_query(diagnostics)).content.decode())
    assert "Что сейчас происходит" in text and "Где сейчас ваше изделие" not in text


# --- One history order: oldest first, on both pages ---------------------------------------


def timeline_labels(html: str) -> list[str]:
    timeline = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<span class="timeline-label">([^<]+)</span>', timeline)


def test_the_history_reads_oldest_first_on_the_status_page_and_on_my_repair(client):
    order = filled_order(to=S.IN_REPAIR)

    public = timeline_labels(client.get(URL, stub_query(order)).content.decode())
    mine = timeline_labels(client.get(my_path(order)).content.decode())

    assert public[0] == "Открыт заказ на ремонт" and public[-1] == "Идёт ремонт"
    # «Мой ремонт» starts earlier (the claim), then the same rows in the same order.
    assert mine[0] == "Заявка получена" and mine[-1] == "Идёт ремонт"
    assert mine[-len(public) :] == public


# --- Phones as people write them ---------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_emails_show_phones_as_people_write_them(language):
    technician = a_center_technician()
    make_order(status=S.AWAITING_SHIPMENT, technician=technician, language=language)

    _subject, text, html = sent("claim_approved")

    for body in (text, html):
        assert "+77273550101" not in visible_text(body) and "+77015554433" not in body
        assert "+7 727 355 01 01" in body and "+7 701 555 44 33" in body
    assert 'href="tel:+77273550101"' in html  # the link dials E.164


def test_pages_show_phones_as_people_write_them(client):
    center = ServiceCenterFactory(phone="+77273550101", whatsapp="+77015554433")
    order = make_order(status=S.IN_REPAIR, center=center, by=TechnicianFactory(
        service_center=center).user)  # fmt: skip

    for html in (
        client.get("/partners/").content.decode(),
        client.get(my_path(order)).content.decode(),
    ):
        text = visible_text(html)
        assert "+7 727 355 01 01" in text and "+77273550101" not in text
        assert "+7 727 3550101" not in text and "+7 727 355 0101" not in text


# --- No doubled full stop after what the technician typed -------------------------------


@pytest.mark.parametrize(
    ("language", "covers"),
    [("ru", "Замена платы."), ("kk", "Замена платы..."), ("en", "Замена платы. ")],
)
def test_the_consent_beside_the_buttons_never_ends_a_typed_sentence_twice(client, language, covers):
    technician = a_center_technician()
    order = make_order(status=S.DIAGNOSTICS, technician=technician, language=language)
    order = with_final_verdict(order, "paid_repair")
    step(order, "send_quote", by=technician.user, lines=quote_lines(38500), description=covers)

    html = client.get(my_path(order), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    text = visible_text(html)
    assert "Замена платы." in text
    assert not re.search(r"[.!?…]\s*\.", text.replace("...", "…"))


CONSENT = {
    "ru": "Я согласен(на) на обработку моих персональных данных для рассмотрения заявки.",
    "kk": "Өтінімді қарау үшін дербес деректерімнің өңделуіне келісемін.",
    "en": "I agree to the processing of my personal data to handle this claim.",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_claim_form_and_its_consent_end_each_sentence_once(client, language):
    html = client.get("/claims/new/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    text = visible_text(html)
    assert not re.search(r"(?<!\.)[.,;:!?]\s*[.,;:!?](?!\.)", text.replace("://", ""))
    assert CONSENT[language] in one_line(text)
