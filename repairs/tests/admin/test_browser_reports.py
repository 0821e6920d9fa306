"""The reports in Debian's Chromium: every chart at 1280 and 360 px in Russian, one report
in Kazakh and one in English; axe-core clean (WCAG 2.2 AA), nothing blocked by the CSP,
no sideways scrolling, a screenshot of each for people to look at; a long table's pages."""

import pytest
from playwright.sync_api import expect

from conftest import assert_no_horizontal_scroll, axe_violations, office_page_for, save_screenshot
from repairs.admin.reports import REPORTS
from repairs.tests.admin.report_helpers import claims_of_many_models
from repairs.tests.admin.test_reports import month_of_work  # noqa: F401 (a fixture)
from repairs.tests.factories import SupportUserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# (slug, language): every report in Russian, the busiest ones in Kazakh and English too.
PAGES = [(slug, "ru") for slug in REPORTS] + [("late-replies", "kk"), ("return-days", "en")]
HEADINGS = {"ru": "Отчёты", "kk": "Есептер", "en": "Reports"}


@pytest.mark.usefixtures("month_of_work")
@pytest.mark.parametrize("width", [1280, 360])
def test_every_chart_reads_at_both_widths_and_passes_axe(browser, live_server, width):
    context, page = office_page_for(browser, live_server, user=SupportUserFactory())
    page.set_viewport_size({"width": width, "height": 800})
    try:
        page.goto(f"{live_server.url}/admin/reports/")
        expect(page.locator(".report-list a")).to_have_count(len(REPORTS))
        assert axe_violations(page) == []
        assert_no_horizontal_scroll(page)
        save_screenshot(page, f"admin-reports-ru-{width}")
        for slug, language in PAGES:
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            page.goto(f"{live_server.url}/admin/reports/{slug}/")
            chart = page.locator("svg.report-chart >> visible=true")
            expect(chart).to_be_visible()
            box = chart.bounding_box()
            assert box and box["width"] <= width, slug  # the chart shrinks to the screen
            expect(chart).to_have_count(1)  # the office's or the phone's, not both
            expect(page.locator(".breadcrumbs")).to_contain_text(HEADINGS[language])
            expect(page.locator("table.report-table tbody tr").first).to_be_visible()
            assert axe_violations(page) == [], (slug, language)
            assert_no_horizontal_scroll(page)
            save_screenshot(page, f"admin-report-{slug}-{language}-{width}")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_a_long_table_goes_page_by_page_at_both_widths_and_passes_axe(browser, live_server, width):
    claims_of_many_models(250)  # «Claims and repair orders»: 250 rows, three pages
    context, page = office_page_for(browser, live_server, user=SupportUserFactory())
    page.set_viewport_size({"width": width, "height": 800})
    try:
        page.goto(f"{live_server.url}/admin/reports/claims-orders/")
        pages = page.get_by_role("navigation", name="Страницы таблицы")
        expect(pages.locator('[aria-current="page"]')).to_have_text("1")
        pages.get_by_role("link", name="2", exact=True).click()

        expect(page.locator(".report-rows")).to_have_text(
            "Строки 101–200 из 250. В CSV и XLSX — все строки."
        )
        expect(pages.locator('[aria-current="page"]')).to_have_text("2")
        expect(page.locator("table.report-table tbody tr")).to_have_count(100)
        first = page.locator("table.report-table tbody tr").first.locator("td").first
        expect(first).to_have_text("DREAME Test 0101")  # row 101: the models' order
        assert axe_violations(page) == []
        assert_no_horizontal_scroll(page)
        for link in pages.get_by_role("link").all():  # a finger's size (WCAG 2.5.8)
            box = link.bounding_box()
            assert box and box["height"] >= 24 and box["width"] >= 24
        save_screenshot(page, f"admin-report-pages-ru-{width}")
    finally:
        context.close()
