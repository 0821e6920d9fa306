"""Support's list of what fails, per product category (DESIGN §9): the words in ru, kk and
en side by side; the code is what reports group by, so it is fixed once written."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from repairs.models import FaultCategory


@admin.register(FaultCategory)
class FaultCategoryAdmin(TranslationAdmin):
    list_display = ["name", "product_category", "code", "position", "is_active"]
    list_display_links = ["name"]
    list_editable = ["position", "is_active"]
    list_filter = ["product_category", "is_active"]
    list_select_related = ["product_category"]
    search_fields = ["code", "name_ru", "name_kk", "name_en"]
    ordering = ["product_category__code", "position", "pk"]
    # name: ru, kk, en in this order
    fieldsets = [(None, {"fields": ["product_category", "code", "name", "position", "is_active"]})]

    def get_readonly_fields(self, request, obj=None):
        # Orders and reports refer to the row: it moves to no other product category.
        return ["product_category", "code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # orders keep their fault: switch a row off instead
