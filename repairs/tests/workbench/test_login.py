"""The workbench's own login: technicians in, everyone else out, sessions that expire."""

import pytest
from django.test import Client

from repairs.tests.factories import PASSWORD, SupportUserFactory, TechnicianFactory, UserFactory
from tests.session_clock import is_signed_in, rewind

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_is_sent_to_the_workbench_login_not_the_admins():
    response = Client().get("/service/")
    assert response.status_code == 302
    assert response["Location"] == "/service/login/?next=/service/"


def test_a_technician_logs_in_and_lands_on_the_queue():
    technician = TechnicianFactory()
    client = Client()

    response = client.post(
        "/service/login/?next=/service/",
        {"username": technician.user.username, "password": PASSWORD, "next": "/service/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/service/"
    assert client.session.get_expiry_age() > 0


@pytest.mark.parametrize("who", ["support", "plain_user"])
def test_somebody_who_is_not_a_technician_cannot_log_in_here(who):
    user = SupportUserFactory() if who == "support" else UserFactory()
    response = Client().post("/service/login/", {"username": user.username, "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Этот вход — для техников сервисных центров." in html
    assert "_auth_user_id" not in Client().session


def test_a_wrong_password_is_refused_in_russian():
    technician = TechnicianFactory()
    html = (
        Client()
        .post("/service/login/", {"username": technician.user.username, "password": "nope"})
        .content.decode()
    )
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in html


def test_a_logged_in_support_agent_gets_403_not_a_technicians_page():
    client = Client()
    client.force_login(SupportUserFactory())
    assert client.get("/service/").status_code == 403


def test_a_technician_has_no_admin_access():
    client = Client()
    client.force_login(TechnicianFactory().user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_session_ends_after_the_idle_time(settings, tech_client):
    settings.WORKBENCH_IDLE_SECONDS = 600
    rewind(tech_client, seen=601)

    response = tech_client.get("/service/")

    assert response.status_code == 302
    assert response["Location"] == "/service/login/?next=/service/"
    assert not is_signed_in(tech_client)
    page = tech_client.get(response["Location"]).content.decode()
    assert "Вы вышли из системы после долгого бездействия. Войдите снова." in page


def test_a_session_within_the_idle_time_goes_on(settings, tech_client):
    settings.WORKBENCH_IDLE_SECONDS = 600
    rewind(tech_client, seen=599)

    assert tech_client.get("/service/").status_code == 200
    assert tech_client.session.get_expiry_age() <= 600  # the stored session goes too


def test_logout_is_one_post(tech_client):
    response = tech_client.post("/service/logout/")
    assert response.status_code == 302
    assert tech_client.get("/service/").status_code == 302
