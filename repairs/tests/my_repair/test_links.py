"""The personal link: unguessable, bound to one claim, revocable, expiring; one 404 for all."""

import datetime
import importlib

import pytest
from django.utils import timezone

from claims import links
from claims import services as claim_services
from claims.models import Claim
from claims.tests.factories import ClaimFactory, claim_step
from notifications.models import Notification
from notifications.services import full_context, render_email
from repairs.models import OrderStatus
from repairs.tests.factories import SupportUserFactory, make_order
from repairs.tests.my_repair.helpers import my_path, without_csrf_values

pytestmark = pytest.mark.django_db


def test_a_token_carries_128_random_bits_and_a_signature():
    claim = ClaimFactory()
    token = links.my_token(claim)
    key, signature = token.split(links.SEPARATOR)
    assert key == claim.link_key and len(key) >= 22  # 16 bytes, URL-safe base64
    assert len(signature) >= 43  # HMAC-SHA256
    assert claim.number not in token
    assert links.link_key_from_token(token) == claim.link_key
    assert ClaimFactory().link_key != claim.link_key


def _bad_tokens(claim):
    token = links.my_token(claim)
    key, signature = token.split(links.SEPARATOR)
    other = ClaimFactory()
    return {
        "tampered signature": f"{key}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        "truncated": token[:-5],
        "key alone": key,
        "another claim's key with this signature": f"{other.link_key}.{signature}",
        "junk": "x" * 300,
    }


def test_every_bad_token_gets_the_same_404(client):
    claim = ClaimFactory()
    responses = {name: client.get(f"/my/{token}/") for name, token in _bad_tokens(claim).items()}
    renewed = ClaimFactory()
    old_path = my_path(renewed)
    claim_services.renew_link(claim=renewed, by=SupportUserFactory())
    responses["revoked"] = client.get(old_path)
    expired = make_order(status=OrderStatus.DELIVERED)
    Claim.objects.filter(pk=expired.claim_id).update(
        ended_at=timezone.now() - datetime.timedelta(days=91)
    )
    responses["expired"] = client.get(my_path(expired))

    # The language switch returns to the address asked for: that echo (escaped) aside,
    # every answer is the same page.
    bodies = {
        without_csrf_values(response.content).replace(
            response.wsgi_request.get_full_path().encode(), b"/my/TOKEN/"
        )
        for response in responses.values()
    }
    assert {response.status_code for response in responses.values()} == {404}
    assert len(bodies) == 1
    text = bodies.pop().decode()
    assert "Ссылка не работает" in text
    assert claim.number not in text and claim.product_model not in text
    for response in responses.values():
        assert response["Referrer-Policy"] == "strict-origin"
        assert "noindex" in response["X-Robots-Tag"]


def test_the_link_works_until_90_days_after_the_repair_ended(client):
    order = make_order(status=OrderStatus.DELIVERED)
    claim = Claim.objects.get(pk=order.claim_id)
    assert claim.status == "closed" and claim.ended_at is not None  # set by the close
    Claim.objects.filter(pk=claim.pk).update(ended_at=timezone.now() - datetime.timedelta(days=89))
    assert client.get(my_path(order)).status_code == 200
    Claim.objects.filter(pk=claim.pk).update(ended_at=timezone.now() - datetime.timedelta(days=90))
    assert client.get(my_path(order)).status_code == 404


def test_a_rejected_claims_link_counts_its_90_days_from_the_rejection():
    claim = ClaimFactory()
    support = SupportUserFactory()
    claim = claim_step(claim, "reject", by=support, reason="Не наш товар")
    assert claim.ended_at is not None
    assert timezone.now() - claim.ended_at < datetime.timedelta(minutes=1)


def test_support_renews_a_link_the_old_one_dies_and_the_customer_gets_the_new_one(client):
    claim = ClaimFactory()
    old_path = my_path(claim)
    claim_services.renew_link(claim=claim, by=SupportUserFactory())
    new_path = my_path(claim)
    assert new_path != old_path
    assert client.get(old_path).status_code == 404
    assert client.get(new_path).status_code == 200
    mail = Notification.objects.get(template="my_link")
    assert mail.recipient == claim.email
    assert full_context(mail.context)["my_url"].endswith(new_path)
    event = claim.status_events.get(transition="renew_link")
    assert event.by is not None and not event.by_customer


def test_a_rotated_secret_key_keeps_old_links_working(client, settings):
    claim = ClaimFactory()
    path = my_path(claim)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key-" + "x" * 40
    assert client.get(path).status_code == 200
    assert my_path(claim) != path  # new e-mails carry a link signed with the new key


def test_no_outbox_row_keeps_a_link_that_opens_the_case(client, settings):
    # A case that went through every e-mail, a supplement request among them.
    order = make_order(status=OrderStatus.SHIPPED)
    claim = Claim.objects.get(pk=order.claim_id)
    info = ClaimFactory()
    claim_step(info, "request_info", by=SupportUserFactory(), message="Пришлите фото чека")
    rows = list(Notification.objects.values_list("context", flat=True))
    assert len(rows) >= 6
    stored = repr(rows)
    assert "/my/" not in stored and "/supplement/" not in stored
    assert claim.link_key not in stored and info.link_key not in stored
    # Signed when the e-mail is rendered, and the page it opens is the customer's own.
    [asking] = Notification.objects.filter(template="claim_info_requested")
    supplement = full_context(asking.context)["supplement_url"]
    assert client.get(supplement.removeprefix(settings.SITE_URL)).status_code == 200


def test_an_email_still_in_the_outbox_when_the_link_is_renewed_carries_the_new_link(client):
    claim = ClaimFactory()
    claim_step(claim, "request_info", by=SupportUserFactory(), message="Пришлите чек")
    [queued] = Notification.objects.filter(recipient=claim.email)
    old_path = my_path(claim)
    claim_services.renew_link(claim=claim, by=SupportUserFactory())
    _subject, text, html = render_email(
        template=queued.template, language=queued.language, context=queued.context
    )
    new_path = my_path(Claim.objects.get(pk=claim.pk))
    assert new_path != old_path
    assert new_path in text and new_path in html and old_path not in text


def test_the_migration_takes_stored_links_out_of_the_outbox():
    from django.apps import apps

    migration = importlib.import_module("claims.migrations.0009_links_out_of_the_outbox")
    claim = ClaimFactory()
    old = Notification.objects.create(
        event_key="old:1",
        recipient=claim.email,
        template="claim_info_requested",
        language="ru",
        context={
            "claim_number": claim.number,
            "my_url": "http://x/my/secret/",
            "supplement_url": "http://x/claims/s/",
        },
    )
    migration.take_links_out(apps, None)
    old.refresh_from_db()
    assert "my_url" not in old.context and "supplement_url" not in old.context
    assert old.context["personal_link"] and old.context["supplement_link"]
    assert full_context(old.context)["my_url"].endswith(my_path(claim))
