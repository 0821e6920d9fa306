from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from repairs.models import AccessoryChecklist, ServiceCenter, Technician


@admin.register(ServiceCenter)
class ServiceCenterAdmin(TranslationAdmin):
    """A center's words (name, city, address, hours) in ru, kk and en side by side: the
    customer reads them in their language in e-mails, acts and pages."""

    list_display = ["name", "city", "phone", "email", "is_active"]
    list_filter = ["is_active", "city"]
    search_fields = ["name_ru", "name_kk", "name_en", "city_ru", "city_kk", "city_en"]
    # Each word in its own group, its languages in the site's order (ru, kk, en); then
    # what is the same in every language.
    fieldsets = [
        (capfirst(_("name")), {"fields": ["name"]}),
        (capfirst(_("city")), {"fields": ["city"]}),
        (capfirst(_("postal address")), {"fields": ["postal_address"]}),
        (capfirst(_("working hours")), {"fields": ["working_hours"]}),
        (_("Contacts"), {"fields": ["phone", "email", "whatsapp", "is_active"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name.startswith(("name_", "postal_address_")):
            # An address is long: the whole of it in view, not a scrolling 20em box.
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} vLargeTextField"
        return field


@admin.register(Technician)
class TechnicianAdmin(admin.ModelAdmin):
    list_display = ["user", "service_center"]
    list_select_related = ["user", "service_center"]
    autocomplete_fields = ["user"]


@admin.register(AccessoryChecklist)
class AccessoryChecklistAdmin(TranslationAdmin):
    """What a complete product of each category includes, ticked off at intake, in every
    language line by line (the model checks the counts match)."""

    list_display = ["__str__", "item_count"]
    list_select_related = ["category"]
    search_fields = ["category__code", "items_ru", "items_kk", "items_en"]
    fieldsets = [(None, {"fields": ["category", "items"]})]

    @admin.display(description=_("items"))
    def item_count(self, checklist):
        return len(checklist.item_list())
