"""«Мой ремонт» from the cache (issue 23): the same page, one query, never behind a change."""

import dataclasses
import datetime
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from claims.models import Claim, WarrantyPolicy
from claims.tests.factories import ClaimFactory, claim_step
from repairs import page_versions
from repairs.models import OrderStatus, RepairOrder
from repairs.public.my_repair import views
from repairs.services import work_lines
from repairs.tests.factories import SupportUserFactory, make_order, quote_lines, run_step
from repairs.tests.my_repair.helpers import my_path, without_csrf_values
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# One state of each shape: a claim (verdict, withdraw form), the parcel form, the quote's two
# forms, the rating form, a finished case with no form at all.
SHAPES = [
    None,
    OrderStatus.AWAITING_SHIPMENT,
    OrderStatus.AWAITING_APPROVAL,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
]


def _subject(status):
    return ClaimFactory() if status is None else make_order(status=status)


def _fresh_response(client, path, monkeypatch):
    """The page rendered for this request alone, as it was before the cache."""
    with monkeypatch.context() as patch:
        patch.setattr(views, "_messages_waiting", lambda request: True)
        return client.get(path)


def _headers(response) -> dict:
    headers = {**response.headers, "Set-Cookie": sorted(response.cookies)}
    # never_cache's Expires is the time of the response: two responses may be a second apart.
    headers["Expires"] = "the response's time" if "Expires" in headers else None
    return headers


def _page_entries(claim_id) -> dict:
    keys = [
        page_versions.page_key(claim_id=claim_id, language=code) for code, _n in settings.LANGUAGES
    ]
    return cache.get_many(keys)


@pytest.mark.parametrize("status", SHAPES)
def test_it_serves_the_fresh_page_byte_for_byte_but_the_csrf_token(client, status, monkeypatch):
    path = my_path(_subject(status)) + "?utm_source=e-mail&x=\"<b>'"
    first, second = client.get(path), client.get(path)  # rendered and kept, then kept
    fresh_response = _fresh_response(client, path, monkeypatch)
    fresh = fresh_response.content
    assert first.status_code == second.status_code == 200
    assert _headers(second) == _headers(fresh_response)
    assert without_csrf_values(first.content) == without_csrf_values(fresh)
    assert without_csrf_values(second.content) == without_csrf_values(fresh)
    assert "\x00" not in second.content.decode()
    assert "utm_source=e-mail&amp;x=" in second.content.decode()  # the path, escaped


def test_the_cached_page_holds_no_token_and_each_visitor_gets_their_own(client):
    order = make_order(status=OrderStatus.AWAITING_SHIPMENT)
    pages = [Client().get(my_path(order)).content.decode() for _ in range(2)]
    tokens = [TOKEN.findall(html) for html in pages]
    assert all(len(set(found)) == 1 for found in tokens)  # one token per page, as rendered
    assert tokens[0][0] != tokens[1][0]
    (entry,) = _page_entries(order.claim_id).values()
    assert "csrfmiddlewaretoken" in entry["html"]
    assert not TOKEN.search(entry["html"].replace("\x00csrf-token\x00", ""))
    # Nor the personal link: the key to the page is not kept beside it.
    link_token = my_path(order).split("/")[2]
    assert f"/my/{link_token}/parcel/" in pages[1]
    assert link_token not in entry["html"] and order.claim.link_key not in entry["html"]


def test_a_post_with_the_token_of_a_cached_page_passes_csrf(django_capture_on_commit_callbacks):
    browser = Client(enforce_csrf_checks=True)
    order = make_order(status=OrderStatus.AWAITING_SHIPMENT)
    browser.get(my_path(order))  # kept in the cache
    page = browser.get(my_path(order))  # served from it
    assert settings.CSRF_COOKIE_NAME in page.cookies  # the token's cookie is set, as before
    token = TOKEN.search(page.content.decode()).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            my_path(order, "parcel/"),
            {
                "carrier": "Kazpost",
                "tracking_number": "RR123456785KZ",
                "csrfmiddlewaretoken": token,
            },
        )
    assert response.status_code == 302
    assert RepairOrder.objects.get(pk=order.pk).status == OrderStatus.IN_TRANSIT


def test_a_cached_hit_costs_one_query(client, django_assert_max_num_queries):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL)
    client.get(my_path(order))
    path = my_path(order)
    # The link's claim (its language, validity, order id); the page comes from the cache.
    with django_assert_max_num_queries(1):
        response = client.get(path)
    assert response.status_code == 200 and "DREAME" in response.content.decode()


def _page_text(client, order_or_claim) -> str:
    return visible_text(client.get(my_path(order_or_claim)).content.decode())


def test_a_claim_step_shows_on_the_next_get(client, django_capture_on_commit_callbacks):
    claim = ClaimFactory()
    assert "Фото чека, пожалуйста" not in _page_text(client, claim)
    with django_capture_on_commit_callbacks(execute=True):
        claim_step(claim, "request_info", by=SupportUserFactory(), message="Фото чека, пожалуйста")
    assert "Фото чека, пожалуйста" in _page_text(client, claim)


def test_an_order_step_shows_on_the_next_get(client, django_capture_on_commit_callbacks):
    order = make_order(status=OrderStatus.RECEIVED)
    before = client.get(my_path(order)).content.decode()
    assert 'data-state="received"' in before
    with django_capture_on_commit_callbacks(execute=True):
        run_step("start_diagnostics", order, order.service_center.technicians.first().user)
    assert 'data-state="diagnostics"' in client.get(my_path(order)).content.decode()


def test_the_customers_parcel_shows_on_the_next_get(client, django_capture_on_commit_callbacks):
    order = make_order(status=OrderStatus.AWAITING_SHIPMENT)
    assert "1234567890" not in _page_text(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(my_path(order, "parcel/"), {"carrier": "CDEK", "tracking_number": "1234567890"})
    client.get(my_path(order))  # the confirmation, rendered for its request
    assert "1234567890" in _page_text(client, order)


def test_a_quote_answer_shows_on_the_next_get(client, django_capture_on_commit_callbacks):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL)
    assert "Your answer to the price" not in _page_text(client, order)
    assert "Ваш ответ на цену" not in _page_text(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(my_path(order, "quote/"), {"decision": "accept", "quote_amount": "25000"})
    client.get(my_path(order))
    html = client.get(my_path(order)).content.decode()
    assert 'id="my-consent"' in html and 'data-state="in_repair"' in html


def test_a_rating_shows_on_the_next_get(client, django_capture_on_commit_callbacks):
    order = make_order(status=OrderStatus.DELIVERED)
    assert 'id="my-rate"' in client.get(my_path(order)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(my_path(order, "rating/"), {"score": "4"})
    client.get(my_path(order))
    html = client.get(my_path(order)).content.decode()
    assert 'id="my-rate"' not in html and 'id="my-rated"' in html


def test_a_save_of_the_claim_shows_on_the_next_get(client, django_capture_on_commit_callbacks):
    claim = ClaimFactory(product_model="DREAME L10")
    assert "DREAME L10 Prime" not in _page_text(client, claim)
    with django_capture_on_commit_callbacks(execute=True):
        claim.product_model = "DREAME L10 Prime"
        claim.save()  # a data fix, a command: any save
    assert "DREAME L10 Prime" in _page_text(client, claim)


def test_an_edit_of_the_center_or_the_policy_shows_on_every_page(
    client, django_capture_on_commit_callbacks
):
    order = make_order(status=OrderStatus.AWAITING_SHIPMENT)
    claim = ClaimFactory(verdict="free_repair")
    center = order.service_center
    assert "Сб 10–14" not in _page_text(client, order)
    assert "24" not in _verdict(client, claim)
    with django_capture_on_commit_callbacks(execute=True):
        center.working_hours = "Пн–Пт 9–18, Сб 10–14"
        center.save()
        policy = WarrantyPolicy.objects.get(country=settings.WARRANTY_COUNTRY)
        policy.repair_months = 24
        policy.save()
    assert "Сб 10–14" in _page_text(client, order)
    assert "24" in _verdict(client, claim)


def _verdict(client, claim) -> str:
    html = client.get(my_path(claim)).content.decode()
    return html[html.index('id="my-verdict"') :].split("</section>")[0]


def test_a_change_the_signals_miss_shows_on_the_claims_row(client):
    order = make_order(status=OrderStatus.AWAITING_SHIPMENT)
    assert 'id="my-phone-news"' in client.get(my_path(order)).content.decode()
    # A queryset update sends no signal; the claim's row is read on every request.
    Claim.objects.filter(pk=order.claim_id).update(ended_at=timezone.now())
    assert 'id="my-phone-news"' not in client.get(my_path(order)).content.decode()


def test_an_expired_link_answers_the_404_even_when_its_page_is_cached(client):
    order = make_order(status=OrderStatus.DELIVERED)
    path = my_path(order)
    assert client.get(path).status_code == 200
    assert _page_entries(order.claim_id)  # kept
    Claim.objects.filter(pk=order.claim_id).update(
        ended_at=timezone.now() - datetime.timedelta(days=91)
    )
    expired = client.get(path)
    bad = client.get(path[:-3] + "xx/")
    assert expired.status_code == bad.status_code == 404
    assert "Ссылка не работает" in expired.content.decode()
    assert order.claim.product_model not in expired.content.decode()
    assert without_csrf_values(expired.content).replace(path.encode(), b"") == without_csrf_values(
        bad.content
    ).replace((path[:-3] + "xx/").encode(), b"")
    assert expired["Referrer-Policy"] == "strict-origin" and "noindex" in expired["X-Robots-Tag"]


def test_a_revoked_link_answers_the_404_even_when_its_page_is_cached(client):
    from claims import services as claim_services

    claim = ClaimFactory()
    path = my_path(claim)
    assert client.get(path).status_code == 200
    claim_services.renew_link(claim=claim, by=SupportUserFactory())
    assert client.get(path).status_code == 404


def test_a_flash_message_is_shown_not_the_cached_page(client, django_capture_on_commit_callbacks):
    order = make_order(status=OrderStatus.DELIVERED)
    client.get(my_path(order))  # the page, kept
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(my_path(order, "rating/"), {"score": "5"}, follow=True)
    assert "Спасибо за оценку!" in visible_text(response.content.decode())
    # Shown once: the next visit is the page without it (from the cache).
    assert "Спасибо за оценку!" not in _page_text(client, order)


def test_the_language_switch_gives_the_other_languages_page(client):
    claim = ClaimFactory(language="ru")
    path = my_path(claim)
    ru = client.get(path)
    assert '<html lang="ru">' in ru.content.decode() and ru["Content-Language"] == "ru"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    kk = client.get(path)
    assert '<html lang="kk">' in kk.content.decode() and kk["Content-Language"] == "kk"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "My repair" in _page_text(client, claim)
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    again = client.get(path)
    assert '<html lang="ru">' in again.content.decode()
    assert set(_page_entries(claim.pk)) == {
        page_versions.page_key(claim_id=claim.pk, language=code) for code in ("ru", "kk", "en")
    }


def test_an_erased_claim_leaves_no_page_behind(client, django_capture_on_commit_callbacks):
    claim = ClaimFactory()
    client.get(my_path(claim))
    assert _page_entries(claim.pk)
    with django_capture_on_commit_callbacks(execute=True):
        Claim.objects.get(pk=claim.pk).delete()
    assert not _page_entries(claim.pk)


def test_without_the_cache_the_page_is_rendered_as_before(client, monkeypatch):
    claim = ClaimFactory()

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    for method in ("get_many", "add", "set"):
        monkeypatch.setattr(cache, method, down)
    response = client.get(my_path(claim))
    assert response.status_code == 200 and claim.number in response.content.decode()


def _change_form_data(user, claim, **changes) -> dict:
    """What support's browser posts back from the claim's change form, with `changes`."""
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    model_admin = admin.site._registry[Claim]
    form = model_admin.get_form(request, claim, change=True)(instance=claim)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False or hasattr(value, "url") or name == "receipt":
            continue
        data[name] = field.prepare_value(value) if value is not True else "on"
    return {**data, **changes, "_save": "1"}


def test_an_admin_edit_of_the_claim_shows_on_the_next_get(
    client, django_capture_on_commit_callbacks
):
    claim = ClaimFactory(address="Абая 1")
    user = SupportUserFactory()
    support = Client()
    support.force_login(user)
    before = client.get(my_path(claim)).content
    with django_capture_on_commit_callbacks(execute=True):
        response = support.post(
            f"/admin/claims/claim/{claim.pk}/change/",
            _change_form_data(user, claim, product_model="DREAME X40 Ultra"),
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Claim.objects.get(pk=claim.pk).product_model == "DREAME X40 Ultra"
    after = client.get(my_path(claim)).content
    assert b"DREAME X40 Ultra" in after and b"DREAME X40 Ultra" not in before


def test_new_estimate_lines_show_though_bulk_create_sends_no_signal(
    client, django_capture_on_commit_callbacks
):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL)
    assert "Плата питания" not in _page_text(client, order)
    # The same total: the order's row is not saved, only its lines are rewritten.
    lines = [dataclasses.replace(line, description="Плата питания") for line in quote_lines()]
    with django_capture_on_commit_callbacks(execute=True):
        work_lines.record_estimate_lines(order, order.status_events.last(), {"lines": lines})
    assert "Плата питания" in _page_text(client, order)
