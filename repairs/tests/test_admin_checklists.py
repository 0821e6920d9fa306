"""The intake checklists are data support keeps up to date in admin."""

import pytest
from django.test import Client

from repairs.models import AccessoryChecklist
from repairs.tests.factories import SupportUserFactory

pytestmark = pytest.mark.django_db


def test_support_edits_the_accessory_checklists_in_admin():
    client = Client()
    client.force_login(SupportUserFactory())
    checklist = AccessoryChecklist.objects.get(category="Robot vacuum")

    response = client.post(
        f"/admin/repairs/accessorychecklist/{checklist.pk}/change/",
        {"category": "Robot vacuum", "items": "Робот\nБаза\nНовая насадка"},
    )

    assert response.status_code == 302
    checklist.refresh_from_db()
    assert checklist.item_list == ["Робот", "База", "Новая насадка"]
