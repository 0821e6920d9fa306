"""Support's «Письма без заявки»: a draft shows what could be read in it (escaped, its HTML
never rendered) and is filed to a claim, turned into a claim, or set aside."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from claims.mail_replies import EMAIL_REPLY, attach_draft_message
from claims.models import StatusEvent
from claims.tests.factories import ClaimFactory
from claims.tests.mail import eml
from notifications import mailbox
from notifications.models import InboundEmail
from repairs.tests.factories import SupportUserFactory, UserFactory
from tests.pages import visible_text

pytestmark = pytest.mark.django_db
MAILS = "/admin/notifications/inboundemail/"


@pytest.fixture
def agent():
    return SupportUserFactory()


@pytest.fixture
def support(agent):
    client = Client()
    client.force_login(agent)
    return client


def draft(name: str = "new_koi8r.eml") -> InboundEmail:
    inbound = mailbox.store_message(raw=eml(name))
    mailbox.hand_on(pk=inbound.pk)
    inbound.refresh_from_db()
    assert inbound.state == InboundEmail.State.DRAFT
    return inbound


def test_the_drafts_list_shows_who_wrote_and_what_they_named(
    support, django_assert_max_num_queries
):
    draft()
    draft("html_only.eml")

    # session, user, the user's permissions (own, group's), the count, the page's rows
    with django_assert_max_num_queries(6):
        html = support.get(
            f"{MAILS}?state__exact=draft", headers={"accept-language": "ru"}
        ).content.decode()

    text = visible_text(html)
    assert "kairat@example.kz" in text and "Пылесос не заряжается" in text
    assert "+77011234567, 7KQ2M-9XW4D" in text
    assert "<script>alert('subject')</script>" not in html  # the subject, escaped
    assert "&lt;script&gt;alert(&#x27;subject&#x27;)&lt;/script&gt;" in html


def test_a_draft_page_shows_the_message_as_text_and_the_three_ways_out(
    support, django_assert_max_num_queries
):
    inbound = draft()

    # session, user, the message, the user's permissions (own, group's); a filed
    # message's page adds its claim
    with django_assert_max_num_queries(5):
        response = support.get(f"{MAILS}{inbound.pk}/change/", headers={"accept-language": "ru"})

    html = response.content.decode()
    text = visible_text(html)
    assert "Кайрат Нурланов" in text and "+77011234567" in text
    assert "R2228ZZ0012345" in text and "7KQ2M-9XW4D" in text
    assert "Подшить к этой заявке" in text and "Не заявка" in text
    link = next(
        part.split('href="')[1].split('"')[0]
        for part in html.split("<a ")
        if "Зарегистрировать заявку" in part and part.startswith('class="button"')
    )
    url = urlsplit(link.replace("&amp;", "&"))
    assert url.path == "/admin/claims/claim/add/"
    assert parse_qs(url.query) == {
        "channel": ["email"],
        "full_name": ["Кайрат Нурланов"],
        "email": ["kairat@example.kz"],
        "phone": ["+77011234567"],
        "fault_description": [inbound.reply_text],
        "from_message": [str(inbound.pk)],
    }


def test_a_hostile_html_message_is_shown_as_text_only(support):
    inbound = draft("html_only.eml")

    html = support.get(f"{MAILS}{inbound.pk}/change/").content.decode()

    assert "alert(" not in html.replace("alert(&#x27;subject", "")
    assert "onerror" not in html
    assert "Помогите, фен не включается!" in html


@pytest.mark.parametrize(
    ("language", "why"),
    [
        ("ru", "Автоответ или отчёт о доставке"),
        ("kk", "Автоматты жауап немесе жеткізу туралы есеп"),
        ("en", "An automatic reply or a delivery report"),
    ],
)
def test_why_a_message_is_aside_reads_in_the_agents_language(support, language, why):
    inbound = mailbox.store_message(raw=eml("autoreply.eml"))

    html = support.get(
        f"{MAILS}{inbound.pk}/change/", headers={"accept-language": language}
    ).content.decode()

    assert why in visible_text(html)
    assert "automatic" not in visible_text(html).replace("An automatic", "")


def test_support_files_a_draft_to_a_claim(support, agent):
    inbound = draft()
    claim = ClaimFactory()

    response = support.post(f"{MAILS}{inbound.pk}/attach/", {"claim_number": claim.number.lower()})

    assert response.status_code == 302
    assert response["Location"] == f"/admin/claims/claim/{claim.pk}/change/#history"
    [event] = StatusEvent.objects.filter(claim=claim, transition=EMAIL_REPLY)
    assert event.by_customer and "перестал заряжаться" in event.internal_note
    assert event.note_params["message_id"] == "<new-koi8-0001@mail.example.kz>"
    inbound.refresh_from_db()
    assert (inbound.state, inbound.claim_number, inbound.handled_by) == (
        "filed",
        claim.number,
        agent,
    )


def test_an_unknown_claim_number_is_said_and_kept(support):
    inbound = draft()

    response = support.post(
        f"{MAILS}{inbound.pk}/attach/",
        {"claim_number": "CL-NOPE0000"},
        headers={"accept-language": "ru"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Заявки CL-NOPE0000 нет." in visible_text(html)
    assert 'value="CL-NOPE0000"' in html
    inbound.refresh_from_db()
    assert inbound.state == InboundEmail.State.DRAFT


def test_support_sets_a_draft_aside_with_the_reason(support, agent):
    inbound = draft()

    response = support.post(f"{MAILS}{inbound.pk}/aside/", {"reason": "Реклама"})

    assert response.status_code == 302
    inbound.refresh_from_db()
    assert (inbound.state, inbound.reason, inbound.handled_by) == ("aside", "Реклама", agent)
    # A second tab's click finds it handled and says so, changing nothing.
    again = support.post(
        f"{MAILS}{inbound.pk}/attach/",
        {"claim_number": ClaimFactory().number},
        headers={"accept-language": "ru"},
        follow=True,
    )
    assert "уже подшито к заявке или отложено" in visible_text(again.content.decode())
    assert not StatusEvent.objects.filter(transition=EMAIL_REPLY).exists()


def test_a_get_changes_nothing(support):
    inbound = draft()

    assert support.get(f"{MAILS}{inbound.pk}/aside/").status_code == 405
    inbound.refresh_from_db()
    assert inbound.state == InboundEmail.State.DRAFT


def test_someone_without_the_permission_cannot_file_or_read(agent):
    inbound = draft()
    client = Client()
    client.force_login(UserFactory(is_staff=True))

    assert client.post(f"{MAILS}{inbound.pk}/aside/", {"reason": "x"}).status_code == 403
    assert client.get(f"{MAILS}{inbound.pk}/raw/").status_code == 404


def test_the_original_message_downloads_and_never_renders(support):
    inbound = draft("html_only.eml")

    response = support.get(f"{MAILS}{inbound.pk}/raw/")

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content) == eml("html_only.eml")


def test_attach_draft_message_is_what_the_add_form_calls_after_registering(agent):
    inbound = draft()
    claim = ClaimFactory()

    event = attach_draft_message(claim=claim, message_pk=inbound.pk, by=agent)

    assert event.claim == claim and event.transition == EMAIL_REPLY


def test_the_dashboard_counts_the_drafts_and_links_to_them(support):
    draft()
    draft("html_only.eml")

    html = support.get("/admin/", headers={"accept-language": "ru"}).content.decode()

    assert f'href="{MAILS}?state__exact=draft"' in html
    assert "2 письма без заявки" in visible_text(html)
