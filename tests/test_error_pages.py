"""Error pages look like ours and speak the reader's language, with a way on (DEBUG off)."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from dreame_service.views import server_error
from repairs.tests.factories import SupportUserFactory
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

NOT_FOUND = {
    "ru": "Страница не найдена",
    "kk": "Бет табылмады",
    "en": "Page not found",
}


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_a_missing_page_is_ours_in_the_readers_language(language):
    response = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 404
    html = response.content.decode()
    text = visible_text(html)
    assert NOT_FOUND[language] in text
    assert "Not Found" not in text  # Django's bare page says "Not Found"
    assert f'<html lang="{language}">' in html
    assert 'href="/partners/repair-status/"' in html  # a way on
    assert 'class="site-header"' in html


def test_support_opening_the_workbench_gets_our_403_not_a_bare_one():
    client = Client()
    client.force_login(SupportUserFactory())

    response = client.get("/service/", HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 403
    text = visible_text(response.content.decode())
    assert "Доступ закрыт" in text
    assert "403 Forbidden" not in text


@pytest.mark.parametrize(
    ("language", "heading"),
    [("ru", "Что-то пошло не так на нашей стороне"), ("kk", "Біз жақта бірдеңе дұрыс болмады")],
)
def test_a_server_error_is_our_page_without_the_failing_context(language, heading, settings):
    request = RequestFactory().get("/")

    with translation.override(language):
        response = server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert heading in visible_text(html)
    assert settings.SUPPORT_EMAIL in html
    assert f'<html lang="{language}">' in html
