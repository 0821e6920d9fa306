"""The reports in Debian's Chromium: every report's chart at 1280 and 360 px in Russian,
Kazakh and English; the chart's own words in the page's language; axe-core clean (WCAG 2.2
AA), nothing blocked by the CSP, no sideways scrolling, no chart word cut off at the chart's
edge or drawn over another; a screenshot of each for people to look at (Russian at both
widths, Kazakh and English on the phone); a long table's pages."""

import pytest
from playwright.sync_api import expect

from conftest import assert_no_horizontal_scroll, axe_violations, office_page_for, save_screenshot
from repairs.tests.admin.report_helpers import claims_of_many_models
from repairs.tests.admin.test_reports import month_of_work  # noqa: F401 (a fixture)
from repairs.tests.factories import SupportUserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LANGUAGES = ("ru", "kk", "en")
HEADINGS = {"ru": "Отчёты", "kk": "Есептер", "en": "Reports"}
# Each report's chart: its axis label and the name of one series, as a reader of each
# language reads them (locale/*.po). Written out here: a word left untranslated would show
# the English one, which only a test that knows the translation catches.
CHART_WORDS = {
    "claims-orders": {
        "ru": ("заявки и заказы за месяц", "Заказы на ремонт"),
        "kk": ("айына өтінімдер мен тапсырыстар", "Жөндеу тапсырыстары"),
        "en": ("claims and orders per month", "Repair orders"),
    },
    "faults": {
        "ru": ("заказы с этой неисправностью на 100 заявок по модели", "на 100 заявок"),
        "kk": ("модельдің 100 өтініміне осы ақауы бар тапсырыстар", "100 өтінімге"),
        "en": ("orders with this fault per 100 claims of the model", "per 100 claims"),
    },
    "return-days": {
        "ru": ("возвраты клиенту по числу дней от заявки", "0–7 дн."),
        "kk": ("клиентке қайтарулар, өтінімнен бергі күн саны бойынша", "0–7 күн"),
        "en": ("returns to the customer, by days from the claim", "0–7 d."),
    },
    "quotes": {
        "ru": ("ответы на сметы за месяц", "Отклонено"),
        "kk": ("айына сметаларға жауаптар", "Бас тартылды"),
        "en": ("answers to quotes per month", "Declined"),
    },
    "replacements-refunds": {
        "ru": ("заказы, закончившиеся заменой или возвратом денег", "Возвраты денег"),
        "kk": ("ауыстырумен немесе ақша қайтарумен аяқталған тапсырыстар", "Ақша қайтарулар"),
        "en": ("orders ended in a replacement or a refund", "Refunds"),
    },
    "ratings": {
        "ru": ("средняя оценка клиентов, от 1 до 5", "Средняя оценка"),
        "kk": ("клиенттердің орташа бағасы, 1-ден 5-ке дейін", "Орташа баға"),
        "en": ("average customer rating, 1 to 5", "Average rating"),
    },
    "late-replies": {
        "ru": ("заявки по месяцу подачи", "Без ответа, срок прошёл"),
        "kk": ("берілген айы бойынша өтінімдер", "Жауапсыз, мерзімі өтті"),
        "en": ("claims per month of submission", "Unanswered, overdue"),
    },
}

# The chart's words as read: each <text> (its lines joined), and each bar's tooltip.
CHART_TEXT = """chart => [...chart.querySelectorAll('text, rect > title')].map(t =>
  t.children.length ? [...t.children].map(line => line.textContent).join(' ') : t.textContent
).join('\\n')"""
# Every <text> of the chart shown: one whose box leaves the chart's drawing (cut off on
# the screen) or covers another's (two words drawn over each other), with its words.
CLASHING_WORDS = """chart => {
  const view = chart.viewBox.baseVal;
  const boxes = [...chart.querySelectorAll('text')].map(t => [t.textContent, t.getBBox()]);
  const out = boxes.filter(([, b]) => b.x < -0.5 || b.x + b.width > view.width + 0.5)
    .map(([words]) => 'cut off: ' + words);
  boxes.forEach(([one, a], i) => boxes.slice(i + 1).forEach(([other, b]) => {
    const x = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
    const y = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
    if (x > 1 && y > 1) out.push('overlap: ' + one + ' / ' + other);
  }));
  return out;
}"""


@pytest.mark.usefixtures("month_of_work")
@pytest.mark.parametrize("width", [1280, 360])
def test_every_chart_reads_at_both_widths_in_every_language_and_passes_axe(
    browser, live_server, width
):
    context, page = office_page_for(browser, live_server, user=SupportUserFactory())
    page.set_viewport_size({"width": width, "height": 800})
    try:
        for language in LANGUAGES:
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            page.goto(f"{live_server.url}/admin/reports/")
            # Every report listed is one this test knows the words of.
            expect(page.locator(".report-list a")).to_have_count(len(CHART_WORDS))
            expect(page.locator("h1")).to_contain_text(HEADINGS[language])
            assert axe_violations(page) == [], language
            assert_no_horizontal_scroll(page)
            if language == "ru":
                save_screenshot(page, f"admin-reports-ru-{width}")
            for slug, words in CHART_WORDS.items():
                page.goto(f"{live_server.url}/admin/reports/{slug}/")
                chart = page.locator("svg.report-chart >> visible=true")
                expect(chart).to_have_count(1)  # the office's or the phone's, not both
                box = chart.bounding_box()
                assert box and box["width"] <= width, slug  # the chart shrinks to the screen
                axis_label, series = words[language]
                text = chart.evaluate(CHART_TEXT)
                assert axis_label in text and series in text, (slug, language, text)
                if language != "en":
                    assert CHART_WORDS[slug]["en"][0] not in text, (slug, language)
                assert chart.evaluate(CLASHING_WORDS) == [], (slug, language)
                expect(page.locator(".breadcrumbs")).to_contain_text(HEADINGS[language])
                expect(page.locator("table.report-table tbody tr").first).to_be_visible()
                assert axe_violations(page) == [], (slug, language)
                assert_no_horizontal_scroll(page)
                if language == "ru" or width == 360:
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
