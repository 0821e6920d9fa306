"""Support's pages for reference data in ru, kk and en (issue 19), in Debian's Chromium on a
1280×800 office screen: each language's field side by side, labelled, and axe-clean."""

import pytest

from claims.models import AutoNote, ProductCategory
from conftest import AXE_JS, office_page_for, require, save_screenshot
from repairs.models import AccessoryChecklist
from repairs.tests.factories import ServiceCenterFactory, SupportUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office_page(browser, live_server):
    context, page = office_page_for(browser, live_server, user=SupportUserFactory())
    yield page
    context.close()


def violations(page) -> list:
    """axe-core's WCAG 2.2 A/AA violations on the page's content."""
    require(AXE_JS.exists(), "needs axe-core: npm ci")
    page.evaluate(AXE_JS.read_text())  # not a <script>: the CSP refuses inline ones
    return page.evaluate(
        """async () => (await axe.run({include: [['#content']]}, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})).violations
            .map(v => ({id: v.id, nodes: v.nodes.map(n => n.target[0])}))"""
    )


def test_each_reference_page_shows_every_language_and_passes_axe(office_page, live_server):
    center = ServiceCenterFactory(
        name_ru="DREAME Сервис Астана", name_kk="DREAME Сервис Астана", name_en="DREAME Astana"
    )
    pages = {
        "admin_center_languages": f"/admin/repairs/servicecenter/{center.pk}/change/",
        "admin_checklist_languages": "/admin/repairs/accessorychecklist/"
        f"{AccessoryChecklist.objects.get(category__code='robot_vacuum').pk}/change/",
        "admin_auto_note_languages": "/admin/claims/autonote/"
        f"{AutoNote.objects.get(code='quote_accepted_online').pk}/change/",
        "admin_category_languages": "/admin/claims/productcategory/"
        f"{ProductCategory.objects.get(code='hair_dryer').pk}/change/",
    }
    for name, path in pages.items():
        office_page.goto(f"{live_server.url}{path}")
        save_screenshot(office_page, name)
        labels = office_page.locator("#content label").all_inner_texts()
        assert any("по-казахски" in label for label in labels), name
        assert any("по-английски" in label for label in labels), name
        assert violations(office_page) == [], name
        assert office_page.evaluate("window.__cspBlocked") == [], name
