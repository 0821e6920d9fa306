"""The public «Статус ремонта» page: what a customer with a stub sees, and what nobody sees."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from repairs import public_status, states
from repairs.forms import RepairStatusForm
from repairs.models import OrderStatus, RepairOrder
from repairs.tests.factories import step
from repairs.tests.status_lookup import PII, URL, filled_order, stub_query

pytestmark = pytest.mark.usefixtures("fresh_status_rate_limit")


def text_of(response) -> str:
    return response.content.decode()


# --- Finding the order ------------------------------------------------------------------


@pytest.mark.django_db
def test_it_opens_the_result_straight_from_the_stubs_qr_link(client):
    order = filled_order(to=OrderStatus.DIAGNOSTICS)
    response = client.get(URL, stub_query(order))
    html = text_of(response)
    assert response.status_code == 200
    assert "DREAME L20 Ultra" in html
    assert "Техник выясняет" not in html  # Russian is the default, texts come from the catalog
    assert order.display_number in html
    assert "+7 727 244 00 55" in html  # the service center's phone, as people write it


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed_number",
    ["lower", "spaced", "dashed"],
)
def test_it_ignores_case_spaces_and_dashes_in_the_order_number(client, typed_number):
    order = filled_order()
    number = order.order_number
    typed = {
        "lower": number.lower(),
        "spaced": f" {number[:5]} {number[5:]} ",
        "dashed": order.display_number,
    }[typed_number]
    response = client.get(URL, stub_query(order, order_number=typed))
    assert response.status_code == 200
    assert "DREAME L20 Ultra" in text_of(response)


@pytest.mark.django_db
def test_it_accepts_the_date_typed_as_on_the_stub(client):
    order = filled_order()
    typed = order.intake_date.strftime("%d.%m.%Y")
    response = client.get(URL, stub_query(order, intake_date=typed))
    assert response.status_code == 200
    assert "DREAME L20 Ultra" in text_of(response)


@pytest.mark.django_db
def test_an_empty_form_just_shows_the_form_and_counts_nothing(client, settings):
    settings.REPAIR_STATUS_RATE_LIMIT = 1
    for _ in range(3):
        response = client.get(URL)
        assert response.status_code == 200
    html = text_of(response)
    assert 'name="order_number"' in html and 'name="intake_date"' in html
    assert 'for="id_order_number"' in html and 'for="id_intake_date"' in html
    assert "Nothing found" not in html and "Ничего не найдено" not in html


# --- What the result says ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_result_says_in_plain_words_where_the_product_is_and_what_comes_next(client, settings):
    order = filled_order(to=OrderStatus.AWAITING_PARTS)
    response = client.get(URL, stub_query(order), HTTP_ACCEPT_LANGUAGE="en")
    html = text_of(response)
    assert "The repair is waiting for spare parts." in html
    assert "Spare parts usually arrive within 2 to 4 weeks" in html
    # The timeline: an ordered list, oldest first, public notes shown.
    timeline = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    labels = re.findall(r'<span class="timeline-label">([^<]+)</span>', timeline)
    assert labels == [
        "Repair order opened",
        "Sent to the service center",
        "Received by the service center",
        "Diagnostics started",
        "Repair in progress",
        "Waiting for spare parts",
    ]  # the staff note after it changes nothing the customer sees: left out
    assert "Заказан новый аккумулятор." in timeline
    assert timezone.localdate().strftime("%d.%m.%Y") in timeline


@pytest.mark.django_db
def test_it_never_shows_a_raw_state_code(client):
    order = filled_order(to=OrderStatus.AWAITING_APPROVAL)
    html = text_of(client.get(URL, stub_query(order)))
    visible = re.sub(r"<[^>]+>", " ", html)
    for code in OrderStatus.values:
        assert code not in visible


@pytest.mark.django_db
def test_awaiting_approval_shows_the_price_in_tenge_and_how_to_approve(client):
    order = filled_order(to=OrderStatus.AWAITING_APPROVAL)
    html = text_of(client.get(URL, stub_query(order), HTTP_ACCEPT_LANGUAGE="en"))
    assert '<p class="status-amount nowrap">45 000 ₸</p>' in html
    assert "call the service center and give your order number" in html
    assert 'href="tel:+77272440055"' in html


@pytest.mark.django_db
def test_the_price_is_not_shown_once_the_quote_is_decided(client):
    order = filled_order(to=OrderStatus.AWAITING_APPROVAL)
    step(order, "accept_quote", by=None)
    html = text_of(client.get(URL, stub_query(order)))
    assert "45 000 ₸" not in html


@pytest.mark.django_db
def test_once_shipped_it_shows_the_carrier_the_tracking_number_and_the_new_warranty_end(client):
    order = filled_order(to=OrderStatus.SHIPPED)
    html = text_of(client.get(URL, stub_query(order), HTTP_ACCEPT_LANGUAGE="en"))
    assert "<dd>CDEK</dd>" in html
    # The number opens CDEK's own tracking page, in a new tab.
    assert (
        '<dd class="tracking-number"><a href="https://www.cdek.kz/ru/tracking?order_id=1098765432"'
        ' target="_blank" rel="noopener">1098765432<span class="visually-hidden">'
    ) in html
    assert "RR000005555KZ" not in html  # the customer's own parcel to the center is not news
    purchase = order.claim.purchase_date
    # Claimed and shipped back the same day: 12 months from purchase, plus 0 days.
    end = (
        purchase.replace(year=purchase.year + 1)
        if not (purchase.month == 2 and purchase.day == 29)
        else datetime.date(purchase.year + 1, 2, 28)
    )
    assert f'now ends on <strong class="nowrap">{end:%d.%m.%Y}</strong>' in html


@pytest.mark.django_db
def test_no_warranty_end_before_the_product_is_on_its_way_back(client):
    order = filled_order(to=OrderStatus.READY_FOR_RETURN)
    html = text_of(client.get(URL, stub_query(order), HTTP_ACCEPT_LANGUAGE="en"))
    assert "now ends on" not in html
    assert "tracking-number" not in html


@pytest.mark.django_db
def test_the_warranty_end_counts_the_days_until_delivery(client):
    order = filled_order(to=OrderStatus.DELIVERED, purchase_days_ago=100)
    # The customer got the product back 9 days after the claim.
    RepairOrder.objects.filter(pk=order.pk).update(
        returned_at=order.claim.submitted_at + datetime.timedelta(days=9)
    )
    html = text_of(client.get(URL, stub_query(order), HTTP_ACCEPT_LANGUAGE="en"))
    purchase = order.claim.purchase_date
    from claims.warranty import add_months

    end = add_months(purchase, 12) + datetime.timedelta(days=9)
    assert f"{end:%d.%m.%Y}" in html


@pytest.mark.django_db
def test_an_out_of_warranty_product_gets_no_warranty_end(client):
    order = filled_order(to=OrderStatus.SHIPPED, purchase_days_ago=800)
    html = text_of(client.get(URL, stub_query(order), HTTP_ACCEPT_LANGUAGE="en"))
    assert "now ends on" not in html


@pytest.mark.django_db
def test_the_page_speaks_kazakh(client):
    order = filled_order(to=OrderStatus.IN_REPAIR)
    client.cookies["django_language"] = "kk"
    html = text_of(client.get(URL, stub_query(order)))
    assert '<html lang="kk">' in html
    assert "Жөндеу мәртебесі" in html
    assert "Өніміңіз жөнделіп жатыр." in html


# --- No personal data -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("to", [OrderStatus.AWAITING_APPROVAL, OrderStatus.DELIVERED])
def test_a_fully_filled_order_shows_no_personal_data(client, to):
    order = filled_order(to=to)
    html = text_of(client.get(URL, stub_query(order)))
    assert "DREAME L20 Ultra" in html  # it is the hit page
    for secret in [*PII, "timur.tech", "Тимур", "Техников"]:
        assert secret not in html, secret


# --- Misses -----------------------------------------------------------------------------


def _without_echo(response) -> str:
    """The body with the places that echo what the visitor typed (the two inputs and the
    language switch's return link) blanked out: the rest must match byte for byte."""
    html = text_of(response)
    html = re.sub(r'(name="next" type="hidden" value=")[^"]*"', r"\1", html)
    return re.sub(r'(name="(?:order_number|intake_date)" type="\w+" value=")[^"]*"', r"\1", html)


@pytest.mark.django_db
def test_every_kind_of_miss_gets_the_same_answer(client):
    order = filled_order()
    wrong_day = order.intake_date - datetime.timedelta(days=1)
    misses = {
        "unknown number": ("ZZZZZZZZZZ", order.intake_date.isoformat()),
        "wrong date": (order.order_number, wrong_day.isoformat()),
        "malformed number": ("not-a-number!", order.intake_date.isoformat()),
        "malformed date": (order.order_number, "31.02.2025"),
        "missing date": (order.order_number, ""),
    }
    bodies = {}
    for name, (number, date) in misses.items():
        response = client.get(URL, {"order_number": number, "intake_date": date})
        assert response.status_code == 404, name
        assert "на талоне" in text_of(response)
        bodies[name] = _without_echo(response)
    reference = bodies.pop("unknown number")
    for name, body in bodies.items():
        assert body == reference, name
    assert "DREAME L20 Ultra" not in reference


@pytest.mark.django_db
def test_a_miss_keeps_what_was_typed(client):
    response = client.get(URL, {"order_number": "7kq2m 9xw4d", "intake_date": "15.01.2025"})
    html = text_of(response)
    assert 'value="7kq2m 9xw4d"' in html
    assert 'value="2025-01-15"' in html  # a date input needs ISO to show it


@pytest.mark.django_db
def test_input_is_escaped(client):
    response = client.get(URL, {"order_number": '"><script>x</script>', "intake_date": "<b>"})
    html = text_of(response)
    assert "<script>x" not in html and "<b>" not in html


# --- Speed and headers ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["hit", "miss", "malformed"])
def test_a_lookup_takes_at_most_three_queries(client, django_assert_max_num_queries, kind):
    order = filled_order(to=OrderStatus.SHIPPED)
    query = {
        "hit": stub_query(order),
        "miss": stub_query(order, intake_date="2001-01-01"),
        "malformed": {"order_number": "??", "intake_date": "nope"},
    }[kind]
    # Expected: 1. the order joined with its claim (product model, purchase and claim dates),
    # center, outbound shipment, the warranty months subquery and one row per status event.
    # The budget of 3 leaves room; today it is one.
    with django_assert_max_num_queries(1):
        response = client.get(URL, query)
    assert response.status_code == (200 if kind == "hit" else 404)
    with django_assert_max_num_queries(3):
        client.get(URL, query)


@pytest.mark.django_db
def test_a_repeated_lookup_is_answered_from_the_cache_without_sql(
    client, django_assert_num_queries
):
    order = filled_order(to=OrderStatus.IN_REPAIR)
    client.get(URL, stub_query(order))

    # Expected: none. The rendered answer comes from the cache; the rate limit too.
    with django_assert_num_queries(0):
        response = client.get(URL, stub_query(order))

    assert response.status_code == 200
    assert states.current_text(OrderStatus.IN_REPAIR) in text_of(response)


@pytest.mark.django_db
def test_the_page_shows_the_new_state_as_soon_as_the_order_moves(
    client, django_capture_on_commit_callbacks
):
    order = filled_order(to=OrderStatus.IN_REPAIR)
    before = text_of(client.get(URL, stub_query(order)))
    assert states.current_text(OrderStatus.IN_REPAIR) in before

    with django_capture_on_commit_callbacks(execute=True):
        step(
            order,
            "complete",
            by=User.objects.get(username="timur.tech"),
            note="Заменён аккумулятор.",
        )

    after = text_of(client.get(URL, stub_query(order)))
    assert states.current_text(OrderStatus.READY_FOR_RETURN) in after
    assert "Заменён аккумулятор." in after


def fresh_render(query: dict, *, language: str = "ru") -> str:
    """The page as the template renders it from the answer, with no cached page involved."""
    from django.test import RequestFactory
    from django.utils import translation

    from repairs.public.status import TEMPLATE

    request = RequestFactory().get(URL, query)
    order_number, intake_date = RepairStatusForm(request.GET).lookup_values()
    with translation.override(language):
        answer = public_status.lookup(
            order_number=order_number, intake_date=intake_date, language=language
        )
        context = {"searched": True, "result_html": mark_safe(answer["html"])}  # noqa: S308
        return render_to_string(TEMPLATE, context, request=request)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_hit_served_from_the_cached_page_is_the_page_a_fresh_render_gives(client, language):
    order = filled_order(to=OrderStatus.IN_REPAIR)
    first_query = stub_query(order, order_number=order.display_number.lower())
    # Another spelling and a stray parameter: the language form's return path differs.
    second_query = {**stub_query(order), "from": '"qr"<x>'}
    headers = {"HTTP_ACCEPT_LANGUAGE": language}

    first = text_of(client.get(URL, first_query, **headers))  # renders and caches the page
    second = text_of(client.get(URL, second_query, **headers))  # served from the cache

    assert first == fresh_render(first_query, language=language)
    assert second == fresh_render(second_query, language=language)
    assert 'value="/partners/repair-status/?order_number=' in second
    assert "&quot;qr&quot;" in second or "%22qr%22" in second  # the path, escaped
    assert '"qr"<x>' not in second


@pytest.mark.django_db
def test_a_move_forgets_the_cached_page(client, django_capture_on_commit_callbacks):
    order = filled_order(to=OrderStatus.IN_REPAIR)
    client.get(URL, stub_query(order))
    cached = text_of(client.get(URL, stub_query(order)))
    assert states.current_text(OrderStatus.IN_REPAIR) in cached

    with django_capture_on_commit_callbacks(execute=True):
        step(order, "complete", by=User.objects.get(username="timur.tech"))

    after = text_of(client.get(URL, stub_query(order)))
    assert states.current_text(OrderStatus.READY_FOR_RETURN) in after
    assert states.current_text(OrderStatus.IN_REPAIR) not in after
    assert after == fresh_render(stub_query(order))


@pytest.mark.django_db
def test_a_cached_page_is_never_served_for_a_miss(client):
    order = filled_order(to=OrderStatus.IN_REPAIR)
    client.get(URL, stub_query(order))
    client.get(URL, stub_query(order))

    response = client.get(URL, stub_query(order, intake_date="2001-01-01"))

    assert response.status_code == 404
    assert "DREAME L20 Ultra" not in text_of(response)


@pytest.mark.django_db
def test_the_lookup_works_when_the_cache_is_down(client, settings):
    order = filled_order(to=OrderStatus.IN_REPAIR)
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }

    response = client.get(URL, stub_query(order))

    assert response.status_code == 200
    assert states.current_text(OrderStatus.IN_REPAIR) in text_of(response)


@pytest.mark.django_db
def test_the_answer_varies_on_accept_and_is_never_cached(client):
    order = filled_order()
    response = client.get(URL, stub_query(order))
    assert "Accept" in response["Vary"]
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_answer_sets_no_cookie(client):
    # The page has no form that posts (the language switch takes no CSRF token), so nothing
    # ties the answer to a visitor's cookies.
    order = filled_order()
    response = client.get(URL, stub_query(order))
    assert response.status_code == 200
    assert not response.cookies
    assert "Cookie" not in response["Vary"]
    assert "csrfmiddlewaretoken" not in text_of(response)


@pytest.mark.django_db
def test_post_is_refused(client):
    assert client.post(URL, {"order_number": "X"}).status_code == 405


# --- Rate limit -------------------------------------------------------------------------


@pytest.mark.django_db
def test_too_many_lookups_get_a_friendly_429_page(client, settings):
    settings.REPAIR_STATUS_RATE_LIMIT = 3
    order = filled_order()
    for _ in range(3):
        assert client.get(URL, stub_query(order, intake_date="2001-01-01")).status_code == 404
    response = client.get(URL, stub_query(order))  # even a right answer waits now
    html = text_of(response)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600
    assert "DREAME L20 Ultra" not in html
    assert "Пожалуйста, повторите попытку через" in html
    assert 'name="order_number"' in html  # the form stays, with the values typed
