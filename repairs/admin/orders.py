from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from repairs import services
from repairs.admin.common import active_centers
from repairs.admin.order_list import OrderListMixin
from repairs.models import IntakeAct, OrderStatus, RepairOrder, Shipment


class ShipmentInline(admin.TabularInline):
    model = Shipment
    extra = 0
    readonly_fields = ["direction", "carrier", "tracking_number", "created_at"]
    can_delete = False


class ReassignActionForm(admin.helpers.ActionForm):
    service_center = forms.ModelChoiceField(
        label=_("New service center"), queryset=active_centers(), required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


@admin.register(RepairOrder)
class RepairOrderAdmin(OrderListMixin, admin.ModelAdmin):
    list_display = [
        "display_number",
        "service_center",
        "status",
        "resolution",
        "intake_date",
        "created_at",
    ]
    list_filter = ["status", "resolution", "service_center"]
    list_select_related = ["service_center"]
    search_fields = ["order_number", "claim__number"]
    list_per_page = 50
    # Every field is a transition's or a service's to write; the center changes only
    # through the "move to another center" action, which records why.
    readonly_fields = [
        "order_number",
        "claim",
        "service_center",
        "status",
        "resolution",
        "intake_date",
        "quote_amount",
        "cancel_reason",
        "returned_at",
        "created_at",
        "updated_at",
        "history",
    ]
    inlines = [ShipmentInline]
    action_form = ReassignActionForm
    actions = ["reassign"]

    def has_add_permission(self, request):
        return False  # orders are opened by approving a claim

    @admin.display(description=_("History"))
    def history(self, order):
        rows = order.status_events.select_related("by")
        labels = dict(OrderStatus.choices)
        return format_html_join(
            "\n",
            "<div>{} · {} → {} · {} · {} {}</div>",
            (
                (
                    timezone.localtime(event.created_at).strftime("%d.%m.%Y %H:%M"),
                    labels.get(event.from_status, event.from_status) or "—",
                    labels.get(event.to_status, event.to_status),
                    event.by or "—",
                    event.public_note,
                    event.internal_note,
                )
                for event in rows
            ),
        )

    @admin.action(description=_("Move to another service center"), permissions=["reassign"])
    def reassign(self, request, queryset):
        center = active_centers().filter(pk=request.POST.get("service_center") or None).first()
        reason = (request.POST.get("reason") or "").strip()
        if center is None or not reason:
            self.message_user(
                request, _("Choose the new service center and write why."), messages.ERROR
            )
            return
        moved = 0
        for order in queryset.order_by("pk"):
            try:
                services.reassign_order(
                    order=order, service_center=center, reason=reason, by=request.user
                )
                moved += 1
            except (TransitionNotAllowed, PermissionDenied, ValidationError):
                self.message_user(
                    request,
                    _("Order %(number)s cannot be moved to that center.")
                    % {"number": order.display_number},
                    messages.WARNING,
                )
        if moved:
            self.message_user(request, _("Moved: %(count)d.") % {"count": moved}, messages.SUCCESS)

    def has_reassign_permission(self, request):
        return request.user.has_perm("repairs.reassign_order")


@admin.register(IntakeAct)
class IntakeActAdmin(admin.ModelAdmin):
    list_display = ["repair_order", "received_by", "created_at", "final_verdict"]
    list_select_related = ["repair_order", "received_by"]

    def has_add_permission(self, request):
        return False
