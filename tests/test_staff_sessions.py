"""Signed-in sessions end after STAFF_IDLE_SECONDS without a request (the workbench's own
WORKBENCH_IDLE_SECONDS on its pages) and SESSION_COOKIE_AGE after signing in, however
active: the next request is sent to the login page, which says why."""

import pytest
from django.test import Client

from dreame_service.kit.middleware import SEEN_AT_KEY, SIGNED_IN_AT_KEY
from repairs.tests.factories import PASSWORD, SupportUserFactory, TechnicianFactory
from tests.session_clock import is_signed_in, let_time_pass, rewind

pytestmark = pytest.mark.django_db
HOUR = 3600
IDLE_MESSAGE = "Вы вышли из системы после долгого бездействия. Войдите снова."
MAX_AGE_MESSAGE = "Срок входа истёк. Войдите снова."


@pytest.fixture(autouse=True)
def _default_times(settings):
    settings.STAFF_IDLE_SECONDS = 8 * HOUR
    settings.WORKBENCH_IDLE_SECONDS = 8 * HOUR
    settings.SESSION_COOKIE_AGE = 12 * HOUR


@pytest.fixture
def support():
    client = Client()
    client.force_login(SupportUserFactory())
    return client


def test_support_idle_for_8_hours_and_a_second_is_sent_to_the_login_page(support):
    rewind(support, seen=8 * HOUR + 1)

    response = support.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    assert not is_signed_in(support)
    page = support.get(response["Location"]).content.decode()
    assert IDLE_MESSAGE in page
    assert support.get("/admin/").status_code == 302  # and stays signed out


def test_support_active_7_hours_ago_stays_signed_in(support):
    rewind(support, seen=7 * HOUR)

    response = support.get("/admin/")

    assert response.status_code == 200
    assert is_signed_in(support)


def test_each_request_restarts_the_idle_time(support):
    rewind(support, seen=7 * HOUR)
    support.get("/admin/")

    let_time_pass(support, 2 * HOUR)  # 9 hours after the first activity, 2 after the last
    response = support.get("/admin/")

    assert response.status_code == 200
    assert is_signed_in(support)


def test_a_session_ends_12_hours_after_signing_in_however_active(support):
    rewind(support, seen=60, signed_in=12 * HOUR + 1)

    response = support.get("/admin/")

    assert response.status_code == 302
    assert not is_signed_in(support)
    assert MAX_AGE_MESSAGE in support.get(response["Location"]).content.decode()


def test_signing_in_again_starts_a_new_session_clock():
    agent = SupportUserFactory()
    client = Client()
    client.force_login(agent)
    rewind(client, seen=8 * HOUR + 1)
    client.get("/admin/")  # signed out

    client.post("/admin/login/", {"username": agent.username, "password": PASSWORD})
    response = client.get("/admin/")

    assert response.status_code == 200


def test_a_session_signed_in_before_the_clocks_existed_gets_them(support):
    session = support.session
    del session[SEEN_AT_KEY], session[SIGNED_IN_AT_KEY]
    session.save()
    assert support.get("/admin/").status_code == 200  # its clocks start now

    let_time_pass(support, 8 * HOUR + 1)

    assert support.get("/admin/").status_code == 302
    assert not is_signed_in(support)


def test_the_message_is_in_the_users_language(support):
    rewind(support, seen=8 * HOUR + 1)

    page = support.get("/admin/", HTTP_ACCEPT_LANGUAGE="kk", follow=True).content.decode()

    assert "Ұзақ уақыт әрекетсіз болғандықтан жүйеден шықтыңыз. Қайта кіріңіз." in page


def test_a_tablets_shorter_idle_time_holds_on_every_page_its_session_opens(settings):
    # A walk-up user cannot dodge the workbench's idle time by opening another page first.
    settings.WORKBENCH_IDLE_SECONDS = 600
    tablet = Client()
    tablet.force_login(TechnicianFactory().user)
    rewind(tablet, seen=120)
    assert tablet.get("/service/").status_code == 200

    let_time_pass(tablet, 601)
    tablet.get("/")

    assert not is_signed_in(tablet)
