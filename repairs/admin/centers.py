from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from repairs.models import AccessoryChecklist, ServiceCenter, Technician


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


@admin.register(AccessoryChecklist)
class AccessoryChecklistAdmin(admin.ModelAdmin):
    """What a complete product of each category includes, ticked off at intake."""

    list_display = ["__str__", "item_count"]
    search_fields = ["category", "items"]

    @admin.display(description=_("items"))
    def item_count(self, checklist):
        return len(checklist.item_list)
