"""Fault categories (DESIGN §9): the lists per product category in ru, kk and en, support's
admin for them, and the technician's pick as diagnostics end."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims.models import ProductCategory, ProductModel
from claims.reference_data import CATEGORIES
from repairs import steps
from repairs.history import case_history
from repairs.models import FaultCategory, OrderStatus
from repairs.reference_data import FAULT_CATEGORIES
from repairs.tests.factories import SupportUserFactory, fit_verdict, make_order
from repairs.tests.workbench.pages import line, page, post_step, reloaded, url
from tests.pages import visible_text

pytestmark = pytest.mark.django_db
S = OrderStatus
ROBOT = "DREAME L20 Ultra"
DRYER = "DREAME Hair Glory"
ENDS_DIAGNOSTICS = ["start_repair", "send_quote", "resolve_replacement", "resolve_refund"]
STEP_FIELDS = {
    "start_repair": {},
    "send_quote": {"lines": [line(unit_price="38 500")], "description": "Замена платы"},
    "resolve_replacement": {"new_serial": "L20U-NEW-0001"},
    "resolve_refund": {"confirm_refund": "on"},
}


def fault(category: str, code: str) -> FaultCategory:
    return FaultCategory.objects.get(product_category__code=category, code=code)


def diagnosed(technician, *, product: str = ROBOT, names=ENDS_DIAGNOSTICS):
    """An order in diagnostics of a catalogue product, its verdict fitting `names`."""
    catalogue = ProductModel.objects.get(name=product)
    order = make_order(
        status=S.DIAGNOSTICS, technician=technician, product=catalogue, product_model=product
    )
    return fit_verdict(order, names)


def options(html: str, step: str) -> list[str]:
    select = re.search(rf'<select name="{step}-fault_category".*?</select>', html, re.S)
    assert select is not None, f"no fault select on {step}"
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select.group(0))


# --- The reference data -------------------------------------------------------------------


def test_every_product_category_has_a_list_in_three_languages():
    for code in CATEGORIES:
        rows = FaultCategory.objects.filter(product_category__code=code)
        assert rows.count() == len(FAULT_CATEGORIES[code]) >= 5, code
        for row in rows:
            assert row.name_ru and row.name_kk and row.name_en, row.code
            assert row.name_kk != row.name_en
    robot = FaultCategory.objects.filter(product_category__code="robot_vacuum")
    assert list(robot.values_list("name_ru", flat=True)[:2]) == [
        "Не заряжается",
        "Не строит карту / ошибка лидара",
    ]
    assert robot.last().name_ru == "Другое"


def test_seeding_again_keeps_supports_edits_and_switched_off_rows():
    from django.apps import apps

    from repairs.reference_data import seed_fault_categories

    row = fault("robot_vacuum", "noise")
    row.name_kk, row.is_active = "Шу", False
    row.save()
    seed_fault_categories(apps)
    row.refresh_from_db()
    assert (row.name_kk, row.is_active) == ("Шу", False)
    assert (
        FaultCategory.objects.filter(code="noise", product_category__code="robot_vacuum").count()
        == 1
    )


# --- The pick at the end of diagnostics ---------------------------------------------------


@pytest.mark.parametrize("name", ENDS_DIAGNOSTICS)
def test_each_step_that_ends_diagnostics_keeps_the_fault_picked(name, technician, tech_client):
    order = diagnosed(technician, names=[name])
    picked = fault("robot_vacuum", "lidar_map")

    response = post_step(tech_client, order, name, fault_category=picked.pk, **STEP_FIELDS[name])

    assert response.status_code == 302
    order = reloaded(order)
    assert order.status != S.DIAGNOSTICS
    assert order.fault_category == picked


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("ru", "Выберите категорию неисправности."),
        ("kk", "Ақау санатын таңдаңыз."),
        ("en", "Choose the fault category."),
    ],
)
def test_the_fault_is_required_and_nothing_typed_is_lost(language, error, technician, tech_client):
    order = diagnosed(technician, names=["send_quote"])
    tech_client.cookies["django_language"] = language

    response = post_step(
        tech_client,
        order,
        "send_quote",
        fault_category="",
        lines=[line(description="Плата", unit_price="38 500")],
        description="Плата",
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert error in visible_text(html)
    assert 'value="38 500"' in html and "Плата" in html
    assert reloaded(order).status == S.DIAGNOSTICS
    assert reloaded(order).fault_category is None


def test_another_product_categorys_fault_is_refused_with_clear_words(technician, tech_client):
    order = diagnosed(technician, names=["start_repair"])
    dryers = fault("hair_dryer", "no_heat")

    response = post_step(tech_client, order, "start_repair", fault_category=dryers.pk)

    assert response.status_code == 400
    assert "Эта категория неисправности не относится к этому изделию" in visible_text(
        response.content.decode()
    )
    order = reloaded(order)
    assert (order.status, order.fault_category) == (S.DIAGNOSTICS, None)


def test_a_row_switched_off_is_not_offered_nor_accepted(technician, tech_client):
    order = diagnosed(technician, names=["start_repair"])
    noise = fault("robot_vacuum", "noise")
    noise.is_active = False
    noise.save()

    assert "Шум, вибрация" not in options(page(tech_client, order), "start_repair")
    response = post_step(tech_client, order, "start_repair", fault_category=noise.pk)
    assert response.status_code == 400
    assert reloaded(order).status == S.DIAGNOSTICS


def test_the_runner_refuses_a_wrong_fault_from_any_caller(technician):
    order = diagnosed(technician, names=["start_repair"])
    with pytest.raises(ValidationError) as refused:
        steps.run_step(
            order,
            "start_repair",
            by=technician.user,
            values={"fault_category": fault("hair_dryer", "no_heat")},
        )
    assert refused.value.code == "wrong_fault_category"
    assert reloaded(order).status == S.DIAGNOSTICS


def test_the_select_lists_only_the_products_categorys_faults_in_order(technician, tech_client):
    order = diagnosed(technician, product=DRYER, names=["start_repair"])
    tech_client.cookies["django_language"] = "kk"

    shown = options(page(tech_client, order), "start_repair")

    expected = [words[1] for _code, *words in FAULT_CATEGORIES["hair_dryer"]]
    assert shown == expected
    assert "Зарядталмайды" not in shown  # a robot's fault


def test_a_product_typed_by_hand_gets_the_other_list(technician, tech_client):
    order = make_order(
        status=S.DIAGNOSTICS, technician=technician, product=None, product_model="Пылесос X"
    )
    order = fit_verdict(order, ["start_repair"])
    other = ProductCategory.objects.get(code="other")
    assert options(page(tech_client, order), "start_repair") == [
        row.name for row in other.fault_categories.all()
    ]


@pytest.mark.parametrize(
    ("language", "line", "label"),
    [
        ("ru", "Неисправность: Не строит карту / ошибка лидара", "Категория неисправности"),
        ("kk", "Ақау: Карта құрмайды / лидар қатесі", "Ақау санаты"),
        ("en", "Fault: No map / lidar error", "Fault category"),
    ],
)
def test_the_fault_shows_in_the_history_and_on_both_order_pages(
    language, line, label, technician, tech_client
):
    order = diagnosed(technician, names=["start_repair"])
    post_step(
        tech_client, order, "start_repair", fault_category=fault("robot_vacuum", "lidar_map").pk
    )
    support = Client()
    support.force_login(SupportUserFactory())
    for client in (tech_client, support):
        client.cookies["django_language"] = language

    workbench = visible_text(page(tech_client, order))
    admin = support.get(f"/admin/repairs/repairorder/{order.pk}/change/")

    name = line.split(": ", 1)[1]
    assert f"{label} {name}" in workbench
    assert line in workbench  # the history row of the step
    assert admin.status_code == 200
    assert f"{label} {name}" in visible_text(admin.content.decode())
    assert line in visible_text(admin.content.decode())
    from django.utils import translation

    with translation.override(language):
        rows = case_history(reloaded(order).claim)
    assert rows[0].internal_note == line


def test_the_diagnostics_page_pays_one_query_per_fault_list(
    technician, tech_client, django_assert_max_num_queries
):
    # The order page's 15 (test_order_page: session, user, permissions, technician, the
    # order joined with its claim, product, center, act and fault, attachments, photos,
    # history, shipments, policy, the center's technicians, the session's renewal) and one
    # per form that asks for a fault (its select's options): four remedies at most.
    order = diagnosed(technician, names=["resolve_replacement", "resolve_refund"])
    tech_client.get(url(order))
    with CaptureQueriesContext(connection) as queries:
        html = page(tech_client, order)
    forms = sum(1 for name in ENDS_DIAGNOSTICS if f'name="{name}-fault_category"' in html)
    assert forms >= 2
    with django_assert_max_num_queries(15 + forms):
        page(tech_client, order)
    assert len(queries) <= 15 + forms


# --- Support's admin ----------------------------------------------------------------------


@pytest.fixture
def support_client():
    client = Client()
    client.force_login(SupportUserFactory())
    return client


def test_support_lists_the_faults_by_product_category(
    support_client, django_assert_max_num_queries
):
    # session, user, the user's and group permissions (2), the filter's categories, the
    # count (2: filtered and total), the page's rows joined with their category, and the
    # list_editable formset's (none extra: the rows are reused)
    with django_assert_max_num_queries(12):
        response = support_client.get(
            "/admin/repairs/faultcategory/?product_category__id__exact="
            f"{ProductCategory.objects.get(code='robot_vacuum').pk}"
        )
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "Не строит карту / ошибка лидара" in text
    assert "Не греет" not in text  # a hair dryer's


def test_support_edits_a_faults_words_side_by_side(support_client):
    row = fault("robot_vacuum", "not_charging")
    change = f"/admin/repairs/faultcategory/{row.pk}/change/"
    html = support_client.get(change).content.decode()
    for language in ("ru", "kk", "en"):
        assert f'name="name_{language}"' in html
    assert 'name="code"' not in html  # fixed once written: reports group by it

    response = support_client.post(
        change,
        {
            "name_ru": "Не заряжается от базы",
            "name_kk": "Базадан зарядталмайды",
            "name_en": "Does not charge on the dock",
            "position": 1,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.name_ru, row.name_kk, row.name_en) == (
        "Не заряжается от базы",
        "Базадан зарядталмайды",
        "Does not charge on the dock",
    )
    assert row.code == "not_charging"


def test_support_adds_a_fault_but_deletes_none(support_client):
    dryer = ProductCategory.objects.get(code="hair_dryer")
    response = support_client.post(
        "/admin/repairs/faultcategory/add/",
        {
            "product_category": dryer.pk,
            "code": "smell",
            "name_ru": "Запах гари",
            "name_kk": "Күйік иісі",
            "name_en": "Burning smell",
            "position": 20,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert FaultCategory.objects.get(code="smell").name_kk == "Күйік иісі"
    row = fault("hair_dryer", "smell")
    assert support_client.get(f"/admin/repairs/faultcategory/{row.pk}/delete/").status_code == 403


def test_a_technician_has_no_admin_for_faults(technician, tech_client):
    assert tech_client.get("/admin/repairs/faultcategory/").status_code == 302
