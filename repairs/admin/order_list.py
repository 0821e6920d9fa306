"""The repair-order list for support: columns, filters and the search by any number."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from claims import search
from claims.admin import claims_matching, titled_filter
from dreame_service.kit.admin_lists import DeskListMixin
from dreame_service.kit.formats import format_date
from repairs import order_numbers
from repairs.admin.claim_list import CenterFilter
from repairs.models import OrderStatus, RepairOrder
from repairs.states import tab_label

NOWRAP = '<span class="nowrap">{}</span>'  # a number never breaks at its dash


class OrderCenterFilter(CenterFilter):
    center_path = "service_center"
    # What Django's own filter of the field takes: links written for it (the dashboard's)
    # keep working and show the choice selected.
    parameter_name = "service_center__id__exact"


class OrderStatusFilter(admin.SimpleListFilter):
    title = pgettext_lazy("admin", "Status")
    parameter_name = "status__exact"  # the field filter's name: links stay valid

    def lookups(self, request, model_admin):
        # Staff words for a state (the workbench's tab names), not the customer's sentences.
        return [(code, tab_label(code)) for code in OrderStatus.values]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(status=value) if value in OrderStatus.values else queryset


def matching_order_ids(term: str):
    """The ids of the orders `term` names, as a subquery; None if it names nothing.

    The order number exactly (any case, with or without the dash, O for zero), or the
    claim's number, phone, e-mail, serial number or name, each read by claims.search and
    found through its own index; the two sides are united, not OR-ed across a join.
    """
    readings = search.parse(term)
    if readings is None:
        return None
    ids = RepairOrder.objects.filter(claim__in=claims_matching(readings).values("pk")).values("pk")
    number = order_numbers.normalize(readings.text)
    if number:
        ids = ids.union(RepairOrder.objects.filter(order_number=number).values("pk"))
    return ids


class OrderListMixin(DeskListMixin):
    """Mixed into the repair-order admin (whose class sets nothing of the list)."""

    list_display = ["number", "status_badge", "center", "claim_number", "intake", "age"]
    list_display_links = ["number"]
    list_filter = [
        OrderStatusFilter,
        OrderCenterFilter,
        (
            "resolution",
            titled_filter(admin.ChoicesFieldListFilter, pgettext_lazy("admin", "Resolution")),
        ),
    ]
    list_select_related = ["claim", "service_center"]
    # Newest first: the primary key grows with every new order and its index serves the sort;
    # sorting 90,000 orders by an unindexed column (intake date, age) costs ~170 ms.
    ordering = ["-pk"]  # sortable_by, paging, counts: DeskListMixin's
    search_fields = ["order_number"]  # shows the box; matching_ids reads every field
    search_help_text = _(
        "Order or claim number, phone, e-mail or part of it, serial number or name. "
        "A single match opens at once."
    )

    def matching_ids(self, term: str):
        return matching_order_ids(term)

    @admin.display(description=_("Order number"))
    def number(self, order):
        return format_html(NOWRAP, order.display_number)

    @admin.display(description=pgettext_lazy("admin", "Status"))
    def status_badge(self, order):
        return format_html(
            '<span class="status-badge status-badge--{}">{}</span>',
            order.status,
            tab_label(order.status),
        )

    @admin.display(description=pgettext_lazy("admin", "Center"))
    def center(self, order):
        return format_html(
            '<span title="{}">{}</span>', order.service_center, order.service_center.city
        )

    @admin.display(description=pgettext_lazy("admin", "Claim"))
    def claim_number(self, order):
        return format_html(NOWRAP, order.claim.number)

    @admin.display(description=_("Intake date"))
    def intake(self, order):
        return format_date(order.intake_date) or "—"

    @admin.display(description=pgettext_lazy("admin", "Age"))
    def age(self, order):
        opened = timezone.localdate(order.created_at)
        return format_html(
            '<span title="{}">{}</span>',
            format_date(opened),
            _("%(days)d d.") % {"days": (timezone.localdate() - opened).days},
        )
