"""A long table shown a page at a time: which page numbers to link (the links themselves
are templates/includes/table_pages.html)."""

from django.core.paginator import Page


def page_links(page: Page) -> list[int | None]:
    """The first, the last and the current page's neighbours, None for the gaps between
    (95 links would not fit a phone); none when the table fits one page."""
    if not page.has_other_pages():
        return []
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return [number if isinstance(number, int) else None for number in numbers]
