"""The claim list's service-side columns, filters and searches (the order, its center)."""

from typing import TYPE_CHECKING

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import pgettext_lazy

from repairs import order_numbers
from repairs.models import RepairOrder, ServiceCenter

if TYPE_CHECKING:  # checked as what it is mixed into (claims' ClaimAdmin); plain at run time
    from dreame_service.kit.admin_lists import DeskListMixin

    _ClaimAdminBase = DeskListMixin
else:
    _ClaimAdminBase = object


class CenterFilter(admin.SimpleListFilter):
    """Rows whose repair order is at one center; `center_path` names the center's field."""

    title = pgettext_lazy("admin", "Service center")
    center_path = "repair_order__service_center"
    parameter_name = "service_center"

    def lookups(self, request, model_admin):
        # One query for the choices, whatever the number of rows.
        return [(str(pk), name) for pk, name in ServiceCenter.objects.values_list("pk", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        return queryset.filter(**{self.center_path: int(value)})


def order_claim_ids(term: str):
    """The claim ids of the order `term` names ("42by0-d8v4f", any case, O for 0), or None."""
    number = order_numbers.normalize(term.strip())
    if number is None:
        return None
    return RepairOrder.objects.filter(order_number=number).values("claim_id")


class ClaimListMixin(_ClaimAdminBase):
    """Mixed into the claim admin by repairs: what the list needs to know of orders."""

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        at = columns.index("city") + 1 if "city" in columns else len(columns)
        columns.insert(at, "center")
        return columns

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        filters.insert(min(2, len(filters)), CenterFilter)  # after status and verdict
        return filters

    def get_list_select_related(self, request):
        # The center of each row comes in the page's query: a LEFT JOIN, no query per row.
        related = super().get_list_select_related(request)
        related = list(related) if isinstance(related, list | tuple) else []
        return [*related, "repair_order__service_center"]

    def matching_ids(self, term: str):
        ids = super().matching_ids(term)
        by_order = order_claim_ids(term)
        if by_order is None:
            return ids
        # A union, not an OR across the join: each side keeps its own index.
        return by_order if ids is None else ids.union(by_order)

    @admin.display(description=pgettext_lazy("admin", "Center"))
    def center(self, claim):
        try:
            center = claim.repair_order.service_center
        except RepairOrder.DoesNotExist:  # not approved: no order, no center
            return "—"
        return format_html('<span title="{}">{}</span>', center, center.city)
