"""Support's admin in proper Russian, Kazakh and English: our header, titles in the right
case, no English left on a Russian page, dates as ДД.ММ.ГГГГ, and nothing untranslated
(ours or Django's) in ru and kk."""

import ast
import datetime
import re
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.utils import formats, translation

from claims.models import WarrantyPolicy
from claims.tests.factories import ClaimFactory
from dreame_service import admin_site, admin_wording
from repairs.tests.factories import SupportUserFactory
from tests.pages import visible_text

DJANGO = Path(django.__file__).resolve().parent
AXES = Path(__import__("axes").__file__).resolve().parent
# Catalogs of what the admin shows: Django's admin, auth and core, and django-axes.
DJANGO_CATALOGS = {
    "admin": DJANGO / "contrib" / "admin" / "locale",
    "auth": DJANGO / "contrib" / "auth" / "locale",
    "core": DJANGO / "conf" / "locale",
    "contenttypes": DJANGO / "contrib" / "contenttypes" / "locale",
}


def our_catalog(lang: str) -> polib.POFile:
    """The site's own catalog (locale/, LOCALE_PATHS), the one that wins over Django's."""
    return catalog(Path(settings.LOCALE_PATHS[0]), lang)


def catalog(folder: Path, lang: str) -> polib.POFile | list:
    path = folder / lang / "LC_MESSAGES" / "django.po"
    return polib.pofile(str(path)) if path.exists() else []


def translated(entries) -> set:
    return {(entry.msgctxt, entry.msgid) for entry in entries if entry.translated()}


@pytest.fixture
def support(db):
    client = Client()
    client.force_login(SupportUserFactory())
    return client


def page_in(client, url: str, lang: str) -> str:
    client.cookies["django_language"] = lang
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- What an agent reads ----------------------------------------------------------------

NEVER_ON_A_RUSSIAN_PAGE = [
    "Администрирование Django",
    "Django",
    "Выберите заявка",
    "Изменить заявка",
    "Добавить заявка",
    "Паджинация",
    "Filter by",
    "NOTIFICATIONS",
    "Notifications",
    "Select an option",
    "Login attempts",
]


@pytest.mark.django_db
def test_the_index_shows_our_header_and_russian_section_names(support):
    text = visible_text(page_in(support, "/admin/", "ru"))

    assert "DREAME Сервис — поддержка" in text
    assert "Сводка на сегодня" in text
    assert "Уведомления" in text  # the notifications app, not its label
    for wrong in NEVER_ON_A_RUSSIAN_PAGE:
        assert wrong not in text


@pytest.mark.django_db
def test_the_claim_list_is_titled_in_the_accusative(support):
    ClaimFactory.create_batch(2)

    page = page_in(support, "/admin/claims/claim/", "ru")

    assert "<h1>Выберите заявку для изменения</h1>" in page
    assert "<title>Выберите заявку для изменения | Поддержка DREAME</title>" in page
    text = visible_text(page)
    assert "Страницы списка: заявки" in text  # the pager's heading, for screen readers
    for wrong in NEVER_ON_A_RUSSIAN_PAGE:
        assert wrong not in text


@pytest.mark.django_db
def test_change_and_add_pages_are_titled_in_the_accusative(support):
    policy = WarrantyPolicy.objects.get(country="KZ")

    change = page_in(support, f"/admin/claims/warrantypolicy/{policy.pk}/change/", "ru")
    add = page_in(support, "/admin/repairs/technician/add/", "ru")
    orders = page_in(support, "/admin/repairs/repairorder/", "ru")

    assert "<h1>Изменить гарантийную политику</h1>" in change
    assert "<h1>Добавить техника</h1>" in add
    assert "<h1>Выберите заказ на ремонт для просмотра</h1>" in orders  # support only reads
    for page in (change, add, orders):
        for wrong in NEVER_ON_A_RUSSIAN_PAGE:
            assert wrong not in visible_text(page)


@pytest.mark.django_db
def test_a_saved_change_is_confirmed_without_a_wrong_gender(support):
    policy = WarrantyPolicy.objects.get(country="KZ")
    url = f"/admin/claims/warrantypolicy/{policy.pk}/change/"
    support.cookies["django_language"] = "ru"

    response = support.post(
        url,
        {
            "country": "KZ",
            "return_days": 15,
            "replace_days": 30,
            "repair_months": 12,
            "response_days": 10,
        },
        follow=True,
    )

    page = response.content.decode()
    assert f'Изменения сохранены: гарантийная политика «<a href="{url}">KZ</a>».' in page
    assert "был успешно изменен" not in page


@pytest.mark.django_db
def test_the_admin_speaks_kazakh(support):
    index = visible_text(page_in(support, "/admin/", "kk"))
    claims = page_in(support, "/admin/claims/claim/", "kk")

    assert "DREAME Сервис — қолдау қызметі" in index
    assert "Хабарламалар" in index
    assert "<h1>Өзгерту үшін өтінімді таңдаңыз</h1>" in claims
    for english in ["Pagination", "Filter by", "Select", "Notifications", "Django"]:
        assert english not in visible_text(claims)
        assert english not in index


@pytest.mark.django_db
def test_the_admin_speaks_english(support):
    index = visible_text(page_in(support, "/admin/", "en"))
    claims = page_in(support, "/admin/claims/claim/", "en")

    assert "DREAME Service — support" in index
    assert "Today at a glance" in index
    assert "<h1>Select claim to change</h1>" in claims


@pytest.mark.django_db
def test_the_login_page_carries_our_header_not_djangos():
    page = Client().get("/admin/login/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "DREAME Сервис — поддержка" in page
    assert "Администрирование Django" not in page


# --- Dates ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_dates_are_written_day_month_year_in_every_language(lang):
    moment = datetime.datetime(2026, 3, 5, 14, 30, tzinfo=datetime.UTC)

    with translation.override(lang):
        assert formats.date_format(moment.date()) == "05.03.2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "05.03.2026 14:30"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "05.03.2026"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d.%m.%Y"


@pytest.mark.django_db
def test_the_claim_page_shows_its_dates_day_month_year(support):
    claim = ClaimFactory(response_due_date=datetime.date(2026, 3, 5))

    for lang in ["ru", "kk", "en"]:
        page = page_in(support, f"/admin/claims/claim/{claim.pk}/change/", lang)
        assert "05.03.2026" in page, lang
        assert "March 5, 2026" not in page and "5 марта" not in page


# --- The titles' registry and the reworded Django messages ------------------------------


def msgids(module, function: str, *, context: str | None = None) -> list[str]:
    """The msgids `makemessages` extracts from `module`'s calls of `function`."""
    found = []
    for node in ast.walk(ast.parse(Path(module.__file__).read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == function:
            args = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
            if context is None:
                found.append(args[0])
            elif args[0] == context:
                found.append(args[1])
    return found


def test_every_model_in_the_admin_has_its_accusative():
    registered = {model._meta.label_lower for model in admin.site._registry}

    assert registered - set(admin_site.ACCUSATIVE) == set()


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_title_pattern_and_accusative_is_translated(lang):
    ours = translated(our_catalog(lang))
    wanted = {
        (context, msgid)
        for context in ("admin title", "accusative")
        for msgid in msgids(admin_site, "pgettext_lazy", context=context)
    }

    assert len(wanted) == len(admin_site.TITLES) + len(admin_site.ACCUSATIVE)
    assert wanted - ours == set()


def reworded_msgids() -> list[str]:
    return msgids(admin_wording, "gettext_noop") + msgids(admin_wording, "ngettext_lazy")


def test_every_reworded_message_is_still_one_django_or_axes_shows():
    known = set()
    for folder in DJANGO_CATALOGS.values():
        known |= {entry.msgid for entry in catalog(folder, "en")}
    known |= set(re.findall(r'_\(\s*"([^"]+)"', (AXES / "admin.py").read_text()))
    known |= set(re.findall(r'_\(\s*"([^"]+)"', (AXES / "models.py").read_text()))

    assert len(reworded_msgids()) > 200
    assert [msgid for msgid in reworded_msgids() if msgid not in known] == []


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_reworded_message_is_translated_in_our_catalog(lang):
    ours = {msgid for _ctx, msgid in translated(our_catalog(lang))}

    assert [msgid for msgid in reworded_msgids() if msgid not in ours] == []


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_django_admin_has_no_message_left_untranslated(lang):
    """Every message of Django's admin reads in `lang`: by Django's catalog or ours."""
    english = catalog(DJANGO_CATALOGS["admin"], "en")
    covered = translated(catalog(DJANGO_CATALOGS["admin"], lang)) | translated(our_catalog(lang))

    missing = [e.msgid for e in english if e.msgid and (e.msgctxt, e.msgid) not in covered]
    assert missing == []
