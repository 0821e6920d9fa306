"""The intake checklists are data support keeps up to date in admin, in every language."""

import pytest
from django.test import Client
from django.utils import translation

from repairs.models import AccessoryChecklist
from repairs.tests.factories import SupportUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_client():
    client = Client()
    client.force_login(SupportUserFactory())
    return client


def _post(client, checklist, **items):
    return client.post(
        f"/admin/repairs/accessorychecklist/{checklist.pk}/change/",
        {"category": checklist.category_id, **items},
    )


def test_support_edits_the_accessory_checklists_in_every_language(support_client):
    checklist = AccessoryChecklist.objects.get(category__code="robot_vacuum")

    response = _post(
        support_client,
        checklist,
        items_ru="Робот\nБаза\nНовая насадка",
        items_kk="Робот\nБаза\nЖаңа саптама",
        items_en="Robot\nBase\nNew attachment",
    )

    assert response.status_code == 302
    checklist.refresh_from_db()
    assert checklist.item_list("ru") == ["Робот", "База", "Новая насадка"]
    with translation.override("kk"):
        assert checklist.item_list() == ["Робот", "База", "Жаңа саптама"]
    assert checklist.items_in_every_language()[2] == {
        "ru": "Новая насадка",
        "kk": "Жаңа саптама",
        "en": "New attachment",
    }


def test_a_language_with_a_missing_line_is_refused(support_client):
    checklist = AccessoryChecklist.objects.get(category__code="hair_styler")

    response = _post(
        support_client,
        checklist,
        items_ru="Стайлер\nНасадки\nЧехол",
        items_kk="Стайлер\nСаптамалар",
        items_en="Styler\nAttachments\nCase",
    )

    assert response.status_code == 200
    assert "Для каждого языка нужны те же пункты" in response.content.decode()
    checklist.refresh_from_db()
    assert checklist.item_list("kk") == ["Стайлер", "Саптамалар", "Қап"]


def test_the_checklist_page_labels_each_language_in_russian(support_client):
    checklist = AccessoryChecklist.objects.get(category__code="hair_dryer")

    page = support_client.get(f"/admin/repairs/accessorychecklist/{checklist.pk}/change/")

    text = page.content.decode()
    assert "по-казахски" in text and "по-английски" in text
    assert "Шаш кептіргіш" in text  # the Kazakh list is there to edit
