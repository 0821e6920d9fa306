"""Support registers a claim that came by e-mail or phone at /admin/claims/claim/add/ (DESIGN
§8): the claim form's fields and checks, and the customer gets what a web claim gets."""

import datetime
import re
from html import unescape

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from claims.mail_replies import EMAIL_REPLY, attach_draft_message
from claims.models import (
    AttachmentKind,
    Channel,
    ChannelConsent,
    Claim,
    ClaimAttachment,
    ProductModel,
    StatusEvent,
    WarrantyPolicy,
)
from claims.services import record_status_event
from claims.tests.factories import ClaimFactory, claim_form_fields
from claims.tests.test_mail_admin import draft as mailbox_draft
from notifications.models import InboundEmail, Notification
from notifications.services import render_email
from repairs.history import case_history
from repairs.tests.factories import SupportUserFactory, UserFactory
from repairs.tests.races import race
from tests.commits import email_callbacks
from tests.pages import jpeg, visible_text

pytestmark = pytest.mark.django_db

ADD = "/admin/claims/claim/add/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The form tokens live in the cache (claims.submissions); each test starts without any.
    cache.clear()


@pytest.fixture
def agent():
    return SupportUserFactory(first_name="Анна", last_name="Иванова")


@pytest.fixture
def support(agent):
    client = Client()
    client.force_login(agent)
    client.cookies["django_language"] = "ru"
    return client


def registration(**overrides) -> dict:
    """What support types in for a customer who called: the claim form's fields and names."""
    return (
        claim_form_fields(
            full_name="Ерлан Садыков",
            email="erlan@example.kz",
            product_model=str(ProductModel.objects.get(name="DREAME L20 Ultra").pk),
            purchase_date=(timezone.localdate() - datetime.timedelta(days=40)).strftime("%d.%m.%Y"),
            form_token="b" * 32,
            channel="phone",
            language="kk",
            receipt=jpeg("receipt.jpg"),
        )
        | overrides
    )


def field_value(html: str, name: str) -> str:
    """The value an <input name=…> shows (what support typed, shown again)."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, name
    value = re.search(r'value="([^"]*)"', found.group(0))
    return unescape(value.group(1)) if value else ""


# --- What the customer gets: the same as from the site -----------------------------------


@pytest.mark.parametrize(
    ("channel", "history_text", "came_by"),
    [
        ("phone", "Заявка зарегистрирована поддержкой (звонок)", "Звонок по телефону"),
        ("email", "Заявка зарегистрирована поддержкой (эл. почта)", "Эл. почта"),
    ],
)
def test_a_registered_claim_gets_a_number_the_emails_and_the_personal_link(
    support, agent, django_capture_on_commit_callbacks, channel, history_text, came_by
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = support.post(ADD, registration(channel=channel), follow=True)

    claim = Claim.objects.get()
    assert response.redirect_chain[-1][0] == f"/admin/claims/claim/{claim.pk}/change/"
    assert claim.number.startswith("CL-")
    assert (claim.channel, claim.registered_by, claim.language) == (channel, agent, "kk")
    assert claim.verdict == "free_repair"  # the policy's, from the purchase date
    assert claim.receipt.name.endswith(".jpg")
    text = visible_text(response.content.decode())
    assert f"Заявка {claim.number} зарегистрирована" in text
    # The claim's page says by which door it came and who typed it in.
    assert f"Как поступила {came_by}" in text
    assert "Кто зарегистрировал Анна Иванова" in text
    assert history_text in text
    # The customer's e-mail in their language, with the personal link; support's e-mail.
    mails = {n.template: n for n in Notification.objects.all()}
    assert set(mails) == {"claim_received", "staff_new_claim"}
    assert mails["claim_received"].recipient == "erlan@example.kz"
    assert mails["claim_received"].language == "kk"
    assert mails["staff_new_claim"].recipient == settings.SUPPORT_EMAIL
    _subject, body, _html = render_email(
        template="claim_received", language="kk", context=mails["claim_received"].context
    )
    assert claim.number in body
    assert f"{settings.SITE_URL}/my/" in body
    assert len(email_callbacks(callbacks)) == 2  # both e-mails go out after the commit


def test_the_first_history_row_is_by_the_agent_not_the_customer(support, agent):
    support.post(ADD, registration())

    event = StatusEvent.objects.get()
    assert (event.transition, event.by, event.by_customer) == ("submit", agent, False)


def test_the_files_of_the_customers_email_are_kept_beside_the_receipt(support):
    files = [jpeg("IMG_1.jpg", color="blue"), jpeg("IMG_2.jpg", color="green")]

    support.post(ADD, registration(channel="email", attachments=files))

    claim = Claim.objects.get()
    kept = ClaimAttachment.objects.filter(claim=claim)
    assert [a.kind for a in kept] == [AttachmentKind.FILE, AttachmentKind.FILE]
    assert all(a.file.name.endswith(".jpg") for a in kept)
    assert claim.receipt


def test_phone_news_agreed_on_the_call_is_kept_with_the_words_and_where(support):
    support.post(ADD, registration(whatsapp_same_as_phone="on", notify_whatsapp="on"))

    claim = Claim.objects.get()
    consent = ChannelConsent.objects.get(claim=claim)
    assert (claim.notify_whatsapp, consent.channel, consent.given) == (True, "whatsapp", True)
    assert consent.where == ChannelConsent.Where.SUPPORT_CALL
    assert consent.language == "kk" and "Meta" in consent.wording


def test_phone_news_cannot_be_ticked_for_a_claim_that_came_by_email(support):
    response = support.post(ADD, registration(channel="email", notify_sms="on"))

    assert not Claim.objects.exists()
    text = visible_text(response.content.decode())
    assert "согласие клиента на эти слова во время звонка" in text


# --- The claim form's checks -------------------------------------------------------------


def test_without_a_receipt_a_reason_is_required(support):
    response = support.post(ADD, registration(receipt=""))

    assert response.status_code == 200
    assert not Claim.objects.exists()
    text = visible_text(response.content.decode())
    assert "Приложите чек или напишите, почему его нет." in text


def test_without_a_receipt_the_reason_is_kept_on_the_claim(support):
    reason = "Клиент пришлёт чек письмом"

    support.post(ADD, registration(receipt="", receipt_missing_reason=reason))

    claim = Claim.objects.get()
    assert not claim.receipt
    assert claim.receipt_missing_reason == reason
    page = visible_text(support.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode())
    assert f"Зарегистрирована без чека: {reason}" in page


def test_a_bad_upload_is_refused_and_everything_typed_stays(support):
    fake = SimpleUploadedFile("receipt.jpg", b"MZ\x90\x00 not a photo", "image/jpeg")

    response = support.post(
        ADD, registration(receipt=fake, full_name="Ерлан <b>Садыков</b>", channel="email")
    )

    html = response.content.decode()
    assert not Claim.objects.exists()
    assert "Такой тип файла не принимается" in visible_text(html)
    assert "файлы не сохраняются: выберите их, пожалуйста, снова" in visible_text(html)
    assert field_value(html, "full_name") == "Ерлан <b>Садыков</b>"  # escaped, as typed
    assert "<b>Садыков</b>" not in html
    assert field_value(html, "email") == "erlan@example.kz"
    assert field_value(html, "serial_number") == "SN123456"
    assert re.search(r'<option value="email" selected>', html)


def test_a_bad_file_among_the_emails_files_is_named_and_nothing_is_saved(support):
    bad = SimpleUploadedFile("scan.pdf", b"%PDF-1.7 cut off", "application/pdf")

    response = support.post(ADD, registration(attachments=[jpeg("ok.jpg"), bad]))

    assert not Claim.objects.exists()
    assert "«scan.pdf»: PDF-файл повреждён" in visible_text(response.content.decode())


def test_the_phone_must_be_kazakhstans_as_on_the_site(support):
    response = support.post(ADD, registration(phone="+7 912 345 67 89"))

    assert not Claim.objects.exists()
    assert "+7 и 10 цифр" in visible_text(response.content.decode())


# --- One form, one claim -----------------------------------------------------------------


def test_a_double_submit_keeps_one_claim_and_shows_it(support):
    first = support.post(ADD, registration())
    second = support.post(ADD, registration(), follow=True)

    claim = Claim.objects.get()
    assert first.url == f"/admin/claims/claim/{claim.pk}/change/"
    assert second.redirect_chain[-1][0] == first.url
    assert f"заявка {claim.number} зарегистрирована один раз" in visible_text(
        second.content.decode()
    )
    assert Notification.objects.filter(template="claim_received").count() == 1


def test_the_same_claim_from_another_page_links_the_existing_one_and_saves_nothing(support):
    support.post(ADD, registration())
    claim = Claim.objects.get()

    response = support.post(ADD, registration(form_token="c" * 32))

    assert response.status_code == 409
    html = response.content.decode()
    assert Claim.objects.count() == 1
    assert f'<a href="/admin/claims/claim/{claim.pk}/change/">{claim.number}</a>' in html
    assert "уже зарегистрирована" in visible_text(html)
    assert field_value(html, "full_name") == "Ерлан Садыков"


def test_a_duplicate_caught_by_the_database_is_a_message_not_a_500(support, monkeypatch):
    support.post(ADD, registration())
    claim = Claim.objects.get()
    # The earlier claim unseen by the early look-up (two agents saving at once).
    monkeypatch.setattr("claims.selectors.recent_duplicate_claim", lambda **kwargs: None)

    response = support.post(ADD, registration(form_token="d" * 32))

    assert response.status_code == 409
    assert Claim.objects.count() == 1
    assert f'<a href="/admin/claims/claim/{claim.pk}/change/">' in response.content.decode()


# --- Who may, and what the page costs ----------------------------------------------------


def test_the_support_group_may_register_claims():
    assert SupportUserFactory().has_perm("claims.add_claim")


def test_staff_without_the_permission_get_403_and_nothing_is_saved():
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_claim"))
    client = Client()
    client.force_login(clerk)

    assert client.get(ADD).status_code == 403
    assert client.post(ADD, registration()).status_code == 403
    assert not Claim.objects.exists()
    assert "claim/add/" not in client.get("/admin/claims/claim/").content.decode()


def test_the_list_links_the_add_page_as_registering_a_claim(support):
    html = support.get("/admin/claims/claim/").content.decode()

    assert f'<a href="{ADD}" class="addlink">Зарегистрировать заявку</a>' in html


def test_the_add_page_costs_a_fixed_number_of_queries(support, django_assert_max_num_queries):
    # The session, the user, their own and their groups' permissions (add_claim), the
    # active products for the model's list.
    with django_assert_max_num_queries(5):
        response = support.get(ADD)

    assert response.status_code == 200


# --- Filled in from a link (the mailbox's draft claims) ----------------------------------


def test_a_link_fills_in_the_form_and_carries_the_message_through(support):
    response = support.get(
        ADD,
        {
            "channel": "email",
            "full_name": "Айгуль Омарова",
            "email": "aigul@example.kz",
            "phone": "+77015550011",
            "fault_description": "Не включается после обновления",
            "from_message": "42",
        },
    )

    html = response.content.decode()
    assert field_value(html, "full_name") == "Айгуль Омарова"
    assert field_value(html, "email") == "aigul@example.kz"
    assert field_value(html, "phone") == "+77015550011"
    assert field_value(html, "from_message") == "42"
    assert 'type="hidden" name="from_message"' in html
    assert re.search(r'<option value="email" selected>', html)
    assert "Не включается после обновления</textarea>" in html
    assert len(field_value(html, "form_token")) == 32


def test_a_claim_made_from_a_mailbox_draft_files_that_email_with_it(support):
    inbound = mailbox_draft()

    support.post(ADD, registration(channel="email", from_message=str(inbound.pk)))

    claim = Claim.objects.get()
    inbound.refresh_from_db()
    assert (inbound.state, inbound.claim_number) == (InboundEmail.State.FILED, claim.number)
    reply = claim.status_events.get(transition=EMAIL_REPLY)
    assert reply.by_customer and reply.note_params["message_id"] == inbound.message_id


def test_a_draft_filed_by_someone_else_meanwhile_saves_no_claim_and_says_why(support, agent):
    inbound = mailbox_draft()
    attach_draft_message(claim=ClaimFactory(), message_pk=inbound.pk, by=agent)  # another tab
    before = Claim.objects.count()

    response = support.post(ADD, registration(channel="email", from_message=str(inbound.pk)))

    assert Claim.objects.count() == before
    assert not Notification.objects.filter(template="claim_received").exists()
    text = visible_text(response.content.decode())
    assert "Письмо, из которого составлена заявка, уже подшито или отложено" in text
    assert "Ерлан Садыков" in response.content.decode()  # what was typed is kept


def test_a_damaged_message_number_is_refused_with_a_message_and_nothing_saved(support):
    response = support.post(ADD, registration(channel="email", from_message="42abc"))

    assert not Claim.objects.exists()
    assert "Ссылка из почтового ящика поддержки повреждена" in visible_text(
        response.content.decode()
    )


# --- The list: by which door -------------------------------------------------------------


def test_the_list_shows_and_filters_by_the_door(support):
    ClaimFactory(number="CL-WEB0001")
    ClaimFactory(number="CL-PHONE01", channel=Channel.PHONE)

    html = support.get("/admin/claims/claim/", {"channel__exact": "phone"}).content.decode()

    assert "CL-PHONE01" in html and "CL-WEB0001" not in html
    assert '<span title="звонок по телефону">Звонок</span>' in html
    assert 'data-filter-title="Как поступила"' in html
    assert re.search(r'href="\?channel__exact=phone"[^>]*>Звонок по телефону</a>', html)


# --- The history says which door ---------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "what"),
    [
        (Channel.WEB, "Заявка подана"),
        (Channel.EMAIL, "Заявка зарегистрирована поддержкой (эл. почта)"),
        (Channel.PHONE, "Заявка зарегистрирована поддержкой (звонок)"),
        (Channel.COUNTER, "Заявка зарегистрирована на стойке приёма сервисного центра"),
    ],
)
def test_the_first_history_row_names_the_door_the_claim_came_by(agent, channel, what):
    claim = ClaimFactory(channel=channel)
    record_status_event(claim=claim, transition="submit", from_status="", to_status=claim.status)

    assert [row.what for row in case_history(claim)] == [what]


# --- Two agents at once (PostgreSQL: the duplicate key's unique index decides) ------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_agents_registering_the_same_claim_at_once_make_one(postgres_db):
    WarrantyPolicy.objects.get_or_create(country="KZ")
    agents = [SupportUserFactory(), SupportUserFactory()]
    clients = []
    for user in agents:
        client = Client()
        client.force_login(user)
        client.cookies["django_language"] = "ru"
        clients.append(client)
    forms = [registration(form_token=token * 32) for token in ("e", "f")]

    outcomes = race(*[lambda c=c, f=f: c.post(ADD, f) for c, f in zip(clients, forms, strict=True)])

    claim = Claim.objects.get()
    codes = sorted(response.status_code for response in outcomes)
    assert codes == [302, 409], outcomes
    refused = next(r for r in outcomes if r.status_code == 409).content.decode()
    assert f'<a href="/admin/claims/claim/{claim.pk}/change/">{claim.number}</a>' in refused
    assert Notification.objects.filter(template="claim_received").count() == 1


@pytest.mark.parametrize(
    ("language", "title", "button"),
    [
        ("ru", "Зарегистрировать заявку", "Зарегистрировать заявку"),
        ("kk", "Өтінімді тіркеу", "Өтінімді тіркеу"),
        ("en", "Register a claim", "Register the claim"),
    ],
)
def test_the_add_page_reads_in_the_agents_language(support, language, title, button):
    support.cookies["django_language"] = language

    html = support.get(ADD).content.decode()

    assert f"<h1>{title}</h1>" in html
    assert f'value="{button}"' in html
