"""Logins lock after repeated wrong passwords (django-axes), per (username, client address)
and, with a higher limit, per address, on /admin/ and the workbench alike; a username alone
is never locked (many failures on one e-mail the admins instead); the superuser unlocks; a
technician at the support login is shown their own door."""

import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from repairs.tests.factories import PASSWORD, SupportUserFactory, TechnicianFactory

pytestmark = pytest.mark.django_db
ADMIN_LOGIN = "/admin/login/"
WORKBENCH_LOGIN = "/service/login/"
LOCKED = "Слишком много неудачных попыток входа. Вход заблокирован на 30 мин."


@pytest.fixture(autouse=True)
def _default_limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20
    settings.AXES_COOLOFF_TIME = settings.AXES_COOLOFF_TIME.__class__(minutes=30)
    settings.TRUST_PROXY_HEADERS = False


def log_in(username, password, *, address="10.0.0.1", url=ADMIN_LOGIN, **headers):
    """One POST of the login form from `address`; the client and the answer."""
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(url, {"username": username, "password": password, "next": "/admin/"})
    return client, response


def fail(username, times, **kwargs):
    for _ in range(times):
        _client, response = log_in(username, "wrong-password", **kwargs)
        assert response.status_code in (200, 429)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_username_at_that_address_even_for_the_right_one():
    agent = SupportUserFactory()
    fail(agent.username, 4)

    _client, fifth = log_in(agent.username, "wrong-password")
    client, right = log_in(agent.username, PASSWORD)

    assert fifth.status_code == 429
    assert right.status_code == 429
    assert not is_logged_in(client)
    page = right.content.decode()
    assert LOCKED in page
    assert "Попробуйте позже или попросите администратора снять блокировку." in page
    assert "DREAME Сервис — поддержка" in page  # the admin's own login page, in its look
    assert "Пожалуйста, введите корректные" not in page
    assert right["Retry-After"] == "1800"


def test_four_wrong_passwords_still_let_the_right_one_in():
    agent = SupportUserFactory()
    fail(agent.username, 4)

    client, response = log_in(agent.username, PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_owner_logs_in_from_another_address_meanwhile():
    # The lock is on the (username, address) pair: someone else's wrong passwords never
    # lock the owner out, the superuser included.
    root = User.objects.create_superuser("root", "root@dreame.kz", PASSWORD)
    fail(root.username, 5, address="10.0.0.1")

    client, response = log_in(root.username, PASSWORD, address="10.0.0.2")

    assert response.status_code == 302
    assert is_logged_in(client)


def test_failures_spread_over_addresses_do_not_lock_the_username():
    agent = SupportUserFactory()
    for number in range(5):
        fail(agent.username, 5, address=f"10.0.1.{number}")

    client, response = log_in(agent.username, PASSWORD, address="10.0.2.1")

    assert response.status_code == 302
    assert is_logged_in(client)


def test_an_office_behind_one_address_is_not_locked_by_a_few_typos():
    # Support behind one NAT address: five colleagues mistype their passwords twice each.
    office = SupportUserFactory.create_batch(5)
    for agent in office:
        fail(agent.username, 2, address="10.0.0.1")

    answers = [log_in(agent.username, PASSWORD, address="10.0.0.1")[1] for agent in office]

    assert [answer.status_code for answer in answers] == [302] * 5


def test_twenty_failures_from_one_address_lock_it_for_every_username():
    # 4 wrong passwords for each of 5 usernames: no pair reaches 5, the address reaches 20.
    for agent in SupportUserFactory.create_batch(5):
        fail(agent.username, 4, address="10.0.0.1")
    other = SupportUserFactory()

    from_locked_address, locked = log_in(other.username, PASSWORD, address="10.0.0.1")
    from_elsewhere, allowed = log_in(other.username, PASSWORD, address="10.0.0.2")

    assert locked.status_code == 429
    assert not is_logged_in(from_locked_address)
    assert LOCKED in locked.content.decode()
    assert allowed.status_code == 302
    assert is_logged_in(from_elsewhere)


# --- Many failures on one username: an alert, never a lock -----------------------------


@pytest.fixture
def alerts(settings):
    settings.ADMINS = ["security@dreame.kz"]
    settings.LOGIN_ALERT_FAILURES = 20
    cache.clear()
    yield
    cache.clear()


def test_twenty_failures_on_one_username_e_mail_the_admins_once(alerts, caplog):
    root = User.objects.create_superuser("root", "root@dreame.kz", PASSWORD)
    caplog.set_level(logging.WARNING)
    for number in range(25):
        fail(root.username, 1, address=f"10.0.3.{number}")

    client, response = log_in(root.username, PASSWORD, address="10.0.4.1")

    assert response.status_code == 302 and is_logged_in(client)  # alerted, not locked
    assert len(mail.outbox) == 1
    alert = mail.outbox[0]
    assert alert.to == ["security@dreame.kz"]
    assert "root" in alert.subject
    assert "20" in alert.body and "wrong-password" not in alert.body
    warnings = [r.getMessage() for r in caplog.records if r.name == "dreame_service.admin_site"]
    assert len(warnings) == 1
    assert "20" in warnings[0]
    assert "root" not in warnings[0] and "wrong-password" not in warnings[0]


def test_nineteen_failures_alert_nobody(alerts):
    agent = SupportUserFactory()
    for number in range(19):
        fail(agent.username, 1, address=f"10.0.3.{number}")

    assert mail.outbox == []


def test_failures_for_a_username_nobody_has_alert_nobody(alerts):
    for number in range(25):
        fail("no-such-user", 1, address=f"10.0.3.{number}")

    assert mail.outbox == []


def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(settings):
    settings.TRUST_PROXY_HEADERS = True
    agent = SupportUserFactory()

    fail(agent.username, 1, address="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]


def test_the_lockout_is_told_in_the_users_language():
    agent = SupportUserFactory()
    fail(agent.username, 5)

    _client, response = log_in(agent.username, PASSWORD, HTTP_ACCEPT_LANGUAGE="kk")

    assert response.status_code == 429
    assert "Кіру 30 минутқа бұғатталды." in response.content.decode()


def test_the_workbench_login_locks_too_in_its_own_page():
    technician = TechnicianFactory()
    fail(technician.user.username, 5, url=WORKBENCH_LOGIN)

    client, response = log_in(technician.user.username, PASSWORD, url=WORKBENCH_LOGIN)

    assert response.status_code == 429
    assert not is_logged_in(client)
    page = response.content.decode()
    assert LOCKED in page
    assert "Вход для техников" in page  # the workbench's login page, not the admin's


# --- Unlocking ------------------------------------------------------------------------


def superuser_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@dreame.kz", PASSWORD))
    return client


def test_the_superuser_unlocks_from_the_admin():
    agent = SupportUserFactory()
    fail(agent.username, 5)
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))

    page = (
        superuser_client()
        .post(
            "/admin/axes/accessattempt/",
            {"action": "unlock", "_selected_action": attempts},
            follow=True,
        )
        .content.decode()
    )
    client, response = log_in(agent.username, PASSWORD)

    assert "Разблокировано записей: 1." in page
    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_superuser_sees_the_lock_in_russian():
    agent = SupportUserFactory()
    fail(agent.username, 5)

    page = superuser_client().get("/admin/axes/accessattempt/").content.decode()

    assert "Выберите попытку входа для изменения" not in page
    assert "Выберите попытку входа для просмотра" in page
    assert agent.username in page
    assert "Заблокировано" in page


def test_the_reset_command_unlocks_a_username():
    agent = SupportUserFactory()
    fail(agent.username, 5)

    call_command("axes_reset_username", agent.username)
    client, response = log_in(agent.username, PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_support_can_neither_see_nor_clear_the_locks():
    agent = SupportUserFactory()
    fail(agent.username, 5)
    support = Client()
    support.force_login(SupportUserFactory())

    listing = support.get("/admin/axes/accessattempt/")
    unlock = support.post(
        "/admin/axes/accessattempt/",
        {
            "action": "unlock",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
        },
    )
    index = support.get("/admin/").content.decode()

    assert listing.status_code == 403
    assert unlock.status_code == 403
    assert AccessAttempt.objects.count() == 1
    assert "Попытки входа" not in index


def test_even_a_support_group_given_axes_permissions_cannot_unlock():
    from django.contrib.auth.models import Group, Permission

    agent = SupportUserFactory()
    fail(agent.username, 5)
    Group.objects.get(name="support").permissions.add(
        *Permission.objects.filter(content_type__app_label="axes")
    )
    support = Client()
    support.force_login(SupportUserFactory())

    response = support.post(
        "/admin/axes/accessattempt/",
        {
            "action": "unlock",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
        },
    )

    assert response.status_code == 403
    assert AccessAttempt.objects.count() == 1


# --- The wrong door -------------------------------------------------------------------


def test_a_technician_at_the_support_login_is_sent_to_the_workbenchs():
    technician = TechnicianFactory()

    client, response = log_in(technician.user.username, PASSWORD)

    page = response.content.decode()
    assert response.status_code == 200
    assert not is_logged_in(client)
    assert "Это вход для поддержки. Техники сервисных центров входят здесь: /service/login/" in page
    assert '<a class="button" href="/service/login/">' in page
    assert "Пожалуйста, введите корректные" not in page


def test_a_technician_with_a_wrong_password_is_not_told_they_are_a_technician():
    technician = TechnicianFactory()

    _client, response = log_in(technician.user.username, "wrong-password")

    page = response.content.decode()
    assert "Пожалуйста, введите корректные" in page
    assert "Техники сервисных центров" not in page


def test_the_wrong_door_does_not_count_as_a_failed_password():
    technician = TechnicianFactory()
    for _ in range(6):
        log_in(technician.user.username, PASSWORD)

    client, response = log_in(technician.user.username, PASSWORD, url=WORKBENCH_LOGIN)

    assert response.status_code == 302
    assert is_logged_in(client)
