"""The language switch in every page's header takes no CSRF token: a forged cross-site POST
can only change the visitor's language, so public pages without forms of their own render
no token and set no cookie. Every form that changes data keeps its token."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

SETLANG = "/i18n/setlang/"
EVIL = "https://evil.example"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", re.S | re.I)

pytestmark = pytest.mark.django_db


def switch(client: Client, language: str, **extra):
    return client.post(SETLANG, {"language": language, **extra.pop("data", {})}, **extra)


def test_the_switch_keeps_its_url_and_name():
    assert reverse("set_language") == SETLANG


@pytest.mark.parametrize("url", ["/", "/warranty/", "/partners/", "/partners/repair-status/"])
def test_a_public_page_without_forms_of_its_own_sets_no_cookie(client, url):
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="lang-form"' in html  # the switch is there
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies  # no csrftoken, no session
    assert "Cookie" not in response.get("Vary", "")


def test_a_cross_site_post_without_a_token_changes_only_the_language():
    forger = Client(enforce_csrf_checks=True)

    response = switch(
        forger, "kk", data={"next": "/partners/"}, HTTP_ORIGIN=EVIL, HTTP_REFERER=f"{EVIL}/x"
    )

    assert response.status_code == 302
    assert response["Location"] == "/partners/"
    assert set(response.cookies) == {settings.LANGUAGE_COOKIE_NAME}
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "kk"


def test_the_switch_never_sends_the_visitor_to_another_site():
    response = switch(Client(), "en", data={"next": f"{EVIL}/phish"}, HTTP_REFERER=f"{EVIL}/x")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_page_comes_back_in_the_chosen_language(client):
    response = switch(client, "kk", data={"next": "/partners/"}, follow=True)

    assert response.redirect_chain == [("/partners/", 302)]
    assert '<html lang="kk">' in response.content.decode()


def test_a_get_changes_no_language(client):
    response = client.get(SETLANG, {"language": "kk", "next": "/"})

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_page_with_a_form_of_its_own_still_gets_its_token_and_cookie(client):
    response = client.get("/claims/new/")

    assert "csrfmiddlewaretoken" in response.content.decode()
    assert settings.CSRF_COOKIE_NAME in response.cookies


@pytest.mark.parametrize("url", ["/claims/new/", "/service/login/", "/admin/login/"])
def test_forms_that_change_data_still_refuse_a_post_without_a_token(url):
    response = Client(enforce_csrf_checks=True).post(url, {"username": "x", "password": "y"})

    assert response.status_code == 403


def test_every_post_form_but_the_language_switch_carries_a_csrf_token():
    missing = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        for form in POST_FORM.findall(template.read_text()):
            if "{% url 'set_language' %}" in form:
                continue
            if "{% csrf_token %}" not in form:
                missing.append(f"{template.relative_to(TEMPLATES)}: {form[:80]}")
    assert missing == []
