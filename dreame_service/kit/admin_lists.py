"""What support's big lists in admin share: the claim list and the repair-order list.

Both hold 100,000 rows: one order read off an index, no counts, 50 rows a page, the
sidebar's width given to the columns, and one search box that each list reads its own way
(`matching_ids`). Here, because `claims` may not import `repairs`; this module imports no
app.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import SEARCH_VAR
from django.http import HttpResponseRedirect
from django.urls import reverse

if TYPE_CHECKING:  # checked as what it is mixed into; a plain class at run time
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


class DeskListMixin(_ModelAdmin):
    """Mixed into a ModelAdmin before `admin.ModelAdmin`; the list defines `matching_ids`."""

    # One order, read off an index; sorting 100,000 rows by another column costs ~200 ms.
    sortable_by = []
    show_full_result_count = False  # no second COUNT of the whole table on every page
    show_facets = admin.ShowFacets.NEVER  # a COUNT per filter choice: too dear at 100,000
    list_per_page = 50

    class Media:
        css = {"all": ["css/admin-lists.css"]}

    def changelist_view(self, request, extra_context=None):
        # The list is the agent's desk: its columns get the width of the navigation sidebar
        # (the breadcrumbs still lead home), so the list fits 1280 px beside its filters.
        context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        response = super().changelist_view(request, context)
        return self.single_match_redirect(request, response) or response

    def single_match_redirect(self, request, response) -> HttpResponseRedirect | None:
        """A search with one match opens it, as the box's hint promises (a phone, a number,
        a serial number is usually one claim); the page's own list link leads back."""
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if (
            changelist is None
            or not request.GET.get(SEARCH_VAR, "").strip()
            or IS_POPUP_VAR in request.GET
            or changelist.result_count != 1
        ):
            return None
        found = changelist.result_list[0]
        opts = self.opts
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[quote(found.pk)],
            current_app=self.admin_site.name,
        )
        preserved: dict[str, Any] = {
            "preserved_filters": self.get_preserved_filters(request),
            "opts": opts,
        }
        return HttpResponseRedirect(add_preserved_filters(preserved, url))

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        ids = self.matching_ids(search_term)
        if ids is None:
            return queryset.none(), False
        # Ids of the matches, each reading found through its own index; no duplicates.
        return queryset.filter(pk__in=ids), False

    def matching_ids(self, term: str):
        """The ids of the rows `term` names, as a subquery; None if it names nothing."""
        raise NotImplementedError
