"""The customer's choice of news on WhatsApp and by SMS (DESIGN §7): off by default, given
with words that name the transfer, kept with what was shown and when, changed on
«Мой ремонт», seen by support."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.test import Client

from claims.models import ChannelConsent, Claim
from claims.tests.claim_form import NEW, form_data
from claims.tests.factories import ClaimFactory
from repairs.tests.my_repair.helpers import my_path
from tests.pages import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_slate(db):
    cache.clear()  # the form tokens and rate-limit counters of other tests


WHATSAPP_WORDS = {
    "ru": "Присылать новости по этой заявке в WhatsApp на мой номер. Я согласен(на), что "
    "номер и новости передаются компании Meta Platforms (за пределы Казахстана)",
    "kk": "Осы өтінім бойынша хабарларды WhatsApp-тағы нөміріме жіберу.",
    "en": "Send news about this claim to my WhatsApp number. I agree that the number and "
    "the news are passed to Meta Platforms (outside Kazakhstan)",
}
SMS_WORDS = {
    "ru": "Присылать новости по этой заявке по SMS на мой телефон.",
    "kk": "Осы өтінім бойынша хабарларды телефоныма SMS арқылы жіберу.",
    "en": "Send news about this claim by SMS to my phone.",
}


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_the_form_offers_both_channels_unticked_with_words_naming_the_transfer(client, language):
    html = client.get(NEW, headers={"accept-language": language}).content.decode()

    assert 'type="checkbox" name="notify_whatsapp"' in html
    assert 'type="checkbox" name="notify_sms"' in html
    assert not re.search(r'name="notify_(whatsapp|sms)"[^>]* checked', html)
    text = visible_text(html)
    assert WHATSAPP_WORDS[language] in text and SMS_WORDS[language] in text


def test_a_claim_without_ticks_asks_for_no_news_on_the_phone(client):
    client.post(NEW, form_data())

    claim = Claim.objects.get()
    assert (claim.notify_whatsapp, claim.notify_sms) == (False, False)
    assert not ChannelConsent.objects.exists()


def test_the_ticks_are_kept_with_the_words_shown_in_the_customers_language(client):
    client.cookies["django_language"] = "kk"
    client.post(NEW, form_data(whatsapp_same_as_phone="on", notify_whatsapp="on", notify_sms="on"))

    claim = Claim.objects.get()
    assert (claim.notify_whatsapp, claim.notify_sms) == (True, True)
    consents = list(claim.channel_consents.order_by("channel"))
    assert [(c.channel, c.given, c.where, c.language) for c in consents] == [
        ("sms", True, "claim_form", "kk"),
        ("whatsapp", True, "claim_form", "kk"),
    ]
    assert consents[0].wording.startswith(SMS_WORDS["kk"])
    assert consents[1].wording.startswith(WHATSAPP_WORDS["kk"])


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ru", "Укажите номер WhatsApp выше или отметьте, что он совпадает с телефоном."),
        ("en", "Give your WhatsApp number above, or tick that it is your phone number."),
    ],
)
def test_whatsapp_news_without_a_whatsapp_number_is_explained_and_nothing_saved(
    client, language, message
):
    client.cookies["django_language"] = language
    response = client.post(NEW, form_data(whatsapp="", notify_whatsapp="on"))

    assert response.status_code == 200
    assert message in visible_text(response.content.decode())
    assert not Claim.objects.exists()


# --- «Мой ремонт» ----------------------------------------------------------------------


def test_my_repair_shows_the_choice_in_force(client):
    claim = ClaimFactory(whatsapp="+77015554433", notify_sms=True, language="en")

    html = client.get(my_path(claim)).content.decode()

    form = html[html.index('action="' + my_path(claim, "phone-news/")) :]
    form = form[: form.index("</form>")]
    assert re.search(r'<input type="checkbox" name="notify_sms"[^>]* checked', form)
    assert 'name="notify_whatsapp"' in form
    assert not re.search(r'<input type="checkbox" name="notify_whatsapp"[^>]* checked', form)
    assert SMS_WORDS["en"] in visible_text(form)


def test_my_repair_offers_no_whatsapp_news_without_a_whatsapp_number(client):
    claim = ClaimFactory(whatsapp="")

    html = client.get(my_path(claim)).content.decode()

    assert 'name="notify_sms"' in html and 'name="notify_whatsapp"' not in html


def test_the_customer_turns_sms_on_and_whatsapp_off_and_each_change_is_kept(client):
    claim = ClaimFactory(whatsapp="+77015554433", notify_whatsapp=True, language="ru")

    response = client.post(my_path(claim, "phone-news/"), {"notify_sms": "on"}, follow=True)

    claim.refresh_from_db()
    assert (claim.notify_whatsapp, claim.notify_sms) == (False, True)
    kept = [(c.channel, c.given, c.where) for c in claim.channel_consents.order_by("channel")]
    assert kept == [("sms", True, "my_repair"), ("whatsapp", False, "my_repair")]
    assert "Сохранено: будем присылать новости так, как вы выбрали." in visible_text(
        response.content.decode()
    )


def test_sending_the_same_choice_again_keeps_nothing_new(client):
    claim = ClaimFactory(notify_sms=True, language="en")

    response = client.post(my_path(claim, "phone-news/"), {"notify_sms": "on"}, follow=True)

    assert not ChannelConsent.objects.exists()
    assert "Nothing changed: the news comes as before." in visible_text(response.content.decode())


def test_a_crafted_whatsapp_tick_without_a_number_changes_nothing(client):
    claim = ClaimFactory(whatsapp="")

    client.post(my_path(claim, "phone-news/"), {"notify_whatsapp": "on", "notify_sms": ""})

    claim.refresh_from_db()
    assert claim.notify_whatsapp is False and not ChannelConsent.objects.exists()


def test_a_choice_without_the_csrf_token_is_refused():
    claim = ClaimFactory()
    client = Client(enforce_csrf_checks=True)

    response = client.post(my_path(claim, "phone-news/"), {"notify_sms": "on"})

    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.notify_sms is False


# --- Support ---------------------------------------------------------------------------


def test_support_sees_the_choice_and_the_consents_as_given(client):
    claim = ClaimFactory(whatsapp="+77015554433", language="kk")
    client.post(my_path(claim, "phone-news/"), {"notify_whatsapp": "on", "notify_sms": "on"})
    support = User.objects.create_user("support-consent", is_staff=True)
    support.user_permissions.set(Permission.objects.filter(codename__in=["view_claim"]))
    client.force_login(support)

    html = client.get(
        f"/admin/claims/claim/{claim.pk}/change/", headers={"accept-language": "ru"}
    ).content.decode()

    text = visible_text(html)
    assert "Новости на телефон WhatsApp, SMS" in text
    assert "Согласия, как они даны" in text
    assert "WhatsApp · согласие дано · «Мой ремонт»" in text
    assert WHATSAPP_WORDS["kk"] in text  # the words as the customer read them
