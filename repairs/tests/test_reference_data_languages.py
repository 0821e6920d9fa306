"""Reference data in every language (issue 19): a center's words, product categories,
checklist items and automatic notes read in the reader's language, in pages, e-mails
and the admin, and support edits each language in the admin."""

import pytest
from django.test import Client

from claims.models import AutoNote, ProductModel
from claims.tests.factories import ClaimFactory
from notifications.models import Notification
from notifications.services import build_message
from repairs import services
from repairs.models import OrderStatus, ServiceCenter
from repairs.services import customer
from repairs.tests.factories import (
    ServiceCenterFactory,
    SupportUserFactory,
    TechnicianFactory,
    make_order,
)
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

ASTANA = {
    "name_ru": "DREAME Сервис Астана",
    "name_kk": "DREAME Сервис Астана",
    "name_en": "DREAME Service Astana",
    "city_ru": "Астана",
    "city_kk": "Астана",
    "city_en": "Astana",
    "postal_address_ru": "010000, г. Астана, пр. Мангилик Ел, 54, ВП-12",
    "postal_address_kk": "010000, Астана қ., Мәңгілік Ел д-лы, 54, ТЕБ-12",
    "postal_address_en": "Unit 12, 54 Mangilik El Ave, Astana 010000",
    "working_hours_ru": "Пн–Пт 9:00–18:00",
    "working_hours_kk": "Дс–Жм 9:00–18:00",
    "working_hours_en": "Mon–Fri 9:00–18:00",
}
WORDS = {
    "ru": ("010000, г. Астана, пр. Мангилик Ел, 54, ВП-12", "Пн–Пт 9:00–18:00"),
    "kk": ("010000, Астана қ., Мәңгілік Ел д-лы, 54, ТЕБ-12", "Дс–Жм 9:00–18:00"),
    "en": ("Unit 12, 54 Mangilik El Ave, Astana 010000", "Mon–Fri 9:00–18:00"),
}


@pytest.fixture
def astana():
    return ServiceCenterFactory(**ASTANA)


@pytest.fixture
def support_client():
    client = Client()
    client.force_login(SupportUserFactory())
    return client


def client_in(language: str, user=None) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


# --- A center's words --------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_the_partners_page_shows_the_centers_address_and_hours_in_the_readers_language(
    astana, language
):
    text = visible_text(client_in(language).get("/partners/").content.decode())

    address, hours = WORDS[language]
    assert address in text and hours in text
    for other, (other_address, other_hours) in WORDS.items():
        if other != language:
            assert other_address not in text and other_hours not in text


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_the_approval_email_gives_the_center_in_the_claims_language(astana, language):
    claim = ClaimFactory(language=language)
    services.approve_claim_and_open_order(
        claim=claim, service_center=astana, by=SupportUserFactory()
    )

    email = build_message(Notification.objects.get(template="claim_approved"))

    address, hours = WORDS[language]
    assert address in email.body and hours in email.body
    assert ("DREAME Service Astana" in email.body) is (language == "en")


def test_the_email_to_the_center_stays_in_russian(astana):
    claim = ClaimFactory(language="en")
    services.approve_claim_and_open_order(
        claim=claim, service_center=astana, by=SupportUserFactory()
    )

    email = build_message(Notification.objects.get(template="center_new_order"))

    assert "DREAME Сервис Астана" in email.body
    assert "DREAME Service Astana" not in email.body


def test_a_center_without_a_translation_reads_in_russian():
    ServiceCenterFactory(name="Сервис Караганда", postal_address="100000, г. Караганда, 1")

    text = visible_text(client_in("en").get("/partners/").content.decode())

    assert "Сервис Караганда" in text and "100000, г. Караганда, 1" in text


def test_support_edits_a_centers_kazakh_words_in_the_admin(astana, support_client):
    url = f"/admin/repairs/servicecenter/{astana.pk}/change/"
    page = visible_text(support_client.get(url).content.decode())
    assert "Почтовый адрес" in page and "по-казахски" in page and "по-английски" in page

    response = support_client.post(
        url,
        {
            **ASTANA,
            "working_hours_kk": "Дс–Сб 9:00–19:00",
            "phone": "+77172550202",
            "email": "astana@dreame-service.kz",
            "whatsapp": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    text = visible_text(client_in("kk").get("/partners/").content.decode())
    assert "Дс–Сб 9:00–19:00" in text
    assert ServiceCenter.objects.get(pk=astana.pk).working_hours_ru == "Пн–Пт 9:00–18:00"


def test_the_admin_refuses_a_center_without_its_english_name(astana, support_client):
    response = support_client.post(
        f"/admin/repairs/servicecenter/{astana.pk}/change/",
        {**ASTANA, "name_en": "", "phone": "+77172550202", "email": "a@b.kz", "is_active": "on"},
    )

    assert response.status_code == 200
    assert "Обязательное поле" in response.content.decode()


# --- Product categories ---------------------------------------------------------------------


def test_the_russian_admin_shows_product_categories_in_russian(support_client):
    text = visible_text(support_client.get("/admin/claims/productmodel/").content.decode())

    assert "Робот-пылесос" in text and "Фен" in text
    assert "Robot vacuum" not in text and "Hair dryer" not in text


def test_every_catalogue_product_has_a_category_named_in_three_languages():
    for product in ProductModel.objects.select_related("category"):
        category = product.category
        assert category is not None, product.name
        assert category.name_ru and category.name_kk and category.name_en, category.code


# --- Automatic notes --------------------------------------------------------------------


def answered_quote(*, accept=True):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL)
    customer.decide_quote(
        order=order,
        accept=accept,
        amount_shown=order.quote_amount,
        wording="Я согласен на платный ремонт.",
        language="ru",
        client_address="10.0.0.7",
    )
    return order


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("ru", "Ответ дан онлайн через «Мой ремонт»: смета принята,"),
        ("kk", "«Менің жөндеуім» беті арқылы онлайн жауап берілді: смета қабылданды,"),
        ("en", "Answered online through «My repair»: quote accepted,"),
    ],
)
def test_the_automatic_note_reads_in_the_technicians_language(language, note):
    order = answered_quote()
    technician = order.service_center.technicians.first().user

    page = client_in(language, technician).get(f"/service/orders/{order.pk}/")

    text = visible_text(page.content.decode())
    assert note in text
    assert "Я согласен на платный ремонт." in text  # what the customer was shown, as shown


def test_support_reads_the_automatic_note_in_russian(support_client):
    order = answered_quote(accept=False)

    page = support_client.get(f"/admin/claims/claim/{order.claim_id}/change/")

    assert "Ответ дан онлайн через «Мой ремонт»: от сметы отказались," in visible_text(
        page.content.decode()
    )


def test_support_rewords_an_automatic_note_and_the_history_reads_the_new_words(support_client):
    order = answered_quote()
    note = AutoNote.objects.get(code="quote_accepted_online")
    url = f"/admin/claims/autonote/{note.pk}/change/"
    assert "по-казахски" in visible_text(support_client.get(url).content.decode())

    response = support_client.post(
        url,
        {
            "text_ru": note.text_ru,
            "text_kk": note.text_kk,
            "text_en": "Quote accepted online («My repair»), %(amount)s.",
        },
    )

    assert response.status_code == 302
    technician = order.service_center.technicians.first().user
    text = visible_text(
        client_in("en", technician).get(f"/service/orders/{order.pk}/").content.decode()
    )
    assert "Quote accepted online («My repair»), " in text


def test_a_reworded_note_must_keep_its_values(support_client):
    note = AutoNote.objects.get(code="quote_accepted_online")

    response = support_client.post(
        f"/admin/claims/autonote/{note.pk}/change/",
        {"text_ru": note.text_ru, "text_kk": "Смета қабылданды.", "text_en": note.text_en},
    )

    assert response.status_code == 200
    assert "В тексте должны остаться эти значения" in response.content.decode()
    note.refresh_from_db()
    assert "%(amount)s" in note.text_kk


@pytest.mark.parametrize(
    ("language", "name", "other"),
    [
        ("en", "DREAME Service Astana", "DREAME Сервис Астана"),
        ("ru", "DREAME Сервис Астана", "DREAME Service Astana"),
    ],
)
def test_the_status_page_names_the_center_in_the_readers_language(astana, language, name, other):
    order = make_order(
        technician=TechnicianFactory(service_center=astana), status=OrderStatus.RECEIVED
    )

    page = client_in(language).get(
        "/partners/repair-status/",
        {"order_number": order.order_number, "intake_date": order.intake_date.isoformat()},
    )

    text = visible_text(page.content.decode())
    assert name in text and other not in text
