from django.contrib import admin

from repairs.models import IntakeAct, RepairOrder, ServiceCenter, Shipment, StatusEvent, Technician


@admin.register(ServiceCenter)
class ServiceCenterAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "phone", "email", "is_active"]
    list_filter = ["is_active", "city"]
    search_fields = ["name", "city"]


@admin.register(Technician)
class TechnicianAdmin(admin.ModelAdmin):
    list_display = ["user", "service_center"]
    list_select_related = ["user", "service_center"]
    autocomplete_fields = ["user"]


class ShipmentInline(admin.TabularInline):
    model = Shipment
    extra = 0
    readonly_fields = ["direction", "carrier", "tracking_number", "created_at"]
    can_delete = False


class StatusEventInline(admin.TabularInline):
    model = StatusEvent
    extra = 0
    fields = [
        "created_at",
        "transition",
        "from_status",
        "to_status",
        "by",
        "public_note",
        "internal_note",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RepairOrder)
class RepairOrderAdmin(admin.ModelAdmin):
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
    readonly_fields = [
        "order_number",
        "claim",
        "status",
        "resolution",
        "intake_date",
        "quote_amount",
        "cancel_reason",
        "returned_at",
        "created_at",
        "updated_at",
    ]
    inlines = [ShipmentInline, StatusEventInline]

    def has_add_permission(self, request):
        return False  # orders are opened by approving a claim


@admin.register(IntakeAct)
class IntakeActAdmin(admin.ModelAdmin):
    list_display = ["repair_order", "received_by", "created_at", "final_verdict"]
    list_select_related = ["repair_order", "received_by"]

    def has_add_permission(self, request):
        return False
