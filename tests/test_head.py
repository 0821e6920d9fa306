"""Monitoring and link checkers ask with HEAD: public pages answer it like GET, bodiless."""

import pytest

from claims.tests.factories import ClaimFactory
from repairs.tests.my_repair.helpers import my_path

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/",
    "/warranty/",
    "/claims/new/",
    "/claims/received/",
    "/partners/",
    "/partners/repair-status/",
    "/partners/repair-status/?order_number=7KQ2M-9XW4D&intake_date=2026-01-15",
    "/api/v1/repair-status/?order_number=7KQ2M-9XW4D&intake_date=2026-01-15",
    "/my/",
    "/my/sent/",
    "/my/not-a-token/",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_head_answers_like_get(client, path):
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == got.status_code != 405
    assert head["Content-Type"] == got["Content-Type"]
    assert head.content == b""


def test_head_on_a_personal_link(client):
    path = my_path(ClaimFactory())
    assert client.head(path).status_code == 200


def test_head_changes_nothing_on_a_form(client):
    # HEAD on the claim form must not be taken for a POST (nothing to validate, nothing saved).
    response = client.head("/claims/new/")
    assert response.status_code == 200
