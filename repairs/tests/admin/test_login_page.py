"""Support's login page is Django's own, plus one thing: a technician who came to it is
shown the way to the workbench's login, under the form, in a style of our stylesheet."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from repairs.tests.factories import PASSWORD, TechnicianFactory

pytestmark = pytest.mark.django_db


def test_a_technician_finds_the_workbenchs_login_under_djangos_form(settings):
    settings.TRUST_PROXY_HEADERS = False
    technician = TechnicianFactory()

    response = Client().post(
        "/admin/login/", {"username": technician.user.username, "password": PASSWORD}
    )

    page = response.content.decode()
    form_ends = page.index("</form>")
    door = page.index('<p class="wrong-door"><a class="button" href="/service/login/">')
    assert form_ends < door
    assert '<link rel="stylesheet" href="/static/css/admin-login.css">' in page
    stylesheet = Path(finders.find("css/admin-login.css")).read_text(encoding="utf-8")
    assert re.search(r"\.wrong-door\s*\{", stylesheet)


def test_a_support_agent_sees_no_such_door():
    page = Client().get("/admin/login/").content.decode()

    assert 'id="login-form"' in page
    assert "wrong-door" not in page
