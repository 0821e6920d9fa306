"""What support's big lists in admin share: the claim list and the repair-order list.

Both hold a million rows: one order read off an index, a count that stops at 10,000, 50
rows a page, the sidebar's width given to the columns, and one search box that each list
reads its own way (`matching_ids`). Here, because `claims` may not import `repairs`; this
module imports no app.
"""

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _

if TYPE_CHECKING:  # checked as what it is mixed into; a plain class at run time
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


COUNT_CAP = 10_000  # 200 pages of 50: past that, support narrows the list, never pages on


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows, and says when it stopped.

    A COUNT(*) of a million claims reads the whole table or index (70–150 ms); counting
    through the first COUNT_CAP + 1 rows of a LIMIT costs a few milliseconds at any size.
    The page then reads «more than 10,000» (templates/admin/pagination.html), never a
    made-up total."""

    def __init__(self, *args, known_count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = known_count  # a search's matches, already read: no count query

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        # No ORDER BY: which rows are counted does not matter, only whether there are more.
        queryset = cast(QuerySet, self.object_list)  # the admin pages querysets only
        return queryset.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped_at(self) -> int | None:
        """COUNT_CAP when there are more rows than that (the count stopped), else None."""
        return COUNT_CAP if self.count > COUNT_CAP else None


class DeskListMixin(_ModelAdmin):
    """Mixed into a ModelAdmin before `admin.ModelAdmin`; the list defines `matching_ids`."""

    # One order, read off an index; sorting 100,000 rows by another column costs ~200 ms.
    sortable_by = []
    show_full_result_count = False  # no second COUNT of the whole table on every page
    paginator = CappedCountPaginator  # and the page's own count stops at COUNT_CAP
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

    def action_checkbox(self, obj):
        # Django's row checkbox as its widget template writes it, without rendering that
        # template once per row: 50 renders were a fifth of a list page's time.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

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
        matches = queryset.filter(pk__in=ids)
        # Searched once: a name's trigram scan costs ~15 ms at a million claims, and the
        # count and the page would each run it again. Up to COUNT_CAP matches are listed by
        # their ids (primary-key lookups); more, and the page keeps the search itself.
        found = list(matches.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
        request.desk_list_count = len(found)  # the paginator's count (get_paginator)
        if len(found) > COUNT_CAP:
            return matches, False
        return queryset.filter(pk__in=found), False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return self.paginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            known_count=getattr(request, "desk_list_count", None),
        )

    def matching_ids(self, term: str):
        """The ids of the rows `term` names, as a subquery; None if it names nothing."""
        raise NotImplementedError
