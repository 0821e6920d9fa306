"""Support's outbox in the admin: each e-mail by what it is, never by its template's code."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from notifications.admin import TEMPLATE_LABELS
from notifications.models import Notification
from repairs.tests.factories import SupportUserFactory

OUTBOX = "/admin/notifications/notification/"


def test_every_email_template_has_a_label():
    emails = Path(settings.BASE_DIR, "templates", "emails")
    templates = {path.name.removesuffix("_subject.txt") for path in emails.glob("*_subject.txt")}

    assert templates == set(TEMPLATE_LABELS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "label", "filter_title"),
    [
        ("ru", "Заявка принята", "Письмо"),
        ("kk", "Өтінім қабылданды", "Хат"),
        ("en", "Claim received", "E-mail"),
    ],
)
def test_the_outbox_shows_and_filters_emails_by_their_label(language, label, filter_title):
    Notification.objects.create(
        event_key="claim:CL-1:received",
        recipient="a@example.kz",
        language="ru",
        template="claim_received",
    )
    client = Client()
    client.force_login(SupportUserFactory(is_superuser=True))

    html = client.get(OUTBOX, headers={"accept-language": language}).content.decode()

    assert f'<td class="field-email">{label}</td>' in html
    assert f'<a href="?template__exact=claim_received">{label}</a>' in html
    assert f'data-filter-title="{filter_title}"' in html
    assert ">claim_received<" not in html


@pytest.mark.django_db
def test_an_emails_own_page_names_it_instead_of_its_template_code():
    notification = Notification.objects.create(
        event_key="claim:CL-1:received",
        recipient="a@example.kz",
        language="ru",
        template="claim_received",
    )
    client = Client()
    client.force_login(SupportUserFactory(is_superuser=True))

    html = client.get(f"{OUTBOX}{notification.pk}/change/").content.decode()

    assert '<div class="readonly">Заявка принята</div>' in html
    assert ">claim_received<" not in html
