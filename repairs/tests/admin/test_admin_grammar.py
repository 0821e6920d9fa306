"""The admin's lists read as Russian, Kazakh and English: no count followed by a plural that
does not agree with it, filter titles in one style, no breadcrumb that repeats itself."""

import re
from html import unescape

import pytest
from django.test import Client

from claims.tests.factories import ClaimFactory
from repairs.tests.factories import ServiceCenterFactory, SupportUserFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "/admin/claims/claim/",
    "/admin/repairs/repairorder/",
    "/admin/repairs/servicecenter/",
    "/admin/notifications/notification/",
    "/admin/claims/productmodel/",
]


@pytest.fixture
def support():
    client = Client()
    client.force_login(SupportUserFactory(is_superuser=True))
    return client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize(
    ("language", "total"), [("ru", "Всего: 17"), ("kk", "Барлығы: 17"), ("en", "Total: 17")]
)
def test_a_list_ends_with_its_total_never_a_number_and_a_plural(support, language, total):
    ClaimFactory.create_batch(17)

    html = support.get("/admin/claims/claim/", headers={"accept-language": language})
    text = text_of(html.content.decode())

    assert total in text
    assert "17 заявки" not in text and "17 claims" not in text


@pytest.mark.parametrize("url", LISTS)
def test_every_filter_title_is_capitalised(support, url):
    ServiceCenterFactory(city="Алматы")

    titles = re.findall(r'data-filter-title="([^"]+)"', support.get(url).content.decode())

    assert titles
    assert all(title[0].isupper() for title in titles), titles


def test_the_claim_lists_breadcrumb_does_not_repeat_itself(support):
    html = support.get("/admin/claims/claim/").content.decode()
    crumbs = re.search(r'<ol class="breadcrumbs">(.*?)</ol>', html, re.S).group(1)

    assert re.findall(r"<li[^>]*>(.*?)</li>", text_of_items(crumbs)) == [
        "Главная",
        "Заявки и изделия",
        "Заявки",
    ]


def text_of_items(html: str) -> str:
    """The list's items with their links' markup taken out."""
    return re.sub(r"</?a[^>]*>", "", html)


@pytest.mark.parametrize(
    ("language", "label"), [("ru", "Поиск"), ("kk", "Іздеу"), ("en", "Search")]
)
def test_the_search_box_is_labelled_in_the_readers_language(support, language, label):
    html = support.get("/admin/claims/claim/", headers={"accept-language": language})

    assert re.search(
        rf'<label for="searchbar"><img [^>]*alt=""><span class="visually-hidden">{label}</span>',
        html.content.decode(),
    )
