"""Which reference fields exist in ru, kk and en (django-modeltranslation adds `name_ru`,
`name_kk`, `name_en`; `name` reads the active language's, Russian where one is empty).

A center's phone, e-mail and WhatsApp are the same in every language; its name, city,
address and hours are words.
"""

from modeltranslation.translator import TranslationOptions, register

from repairs.models import AccessoryChecklist, FaultCategory, ServiceCenter


@register(ServiceCenter)
class ServiceCenterTranslation(TranslationOptions):
    fields = ("name", "city", "postal_address", "working_hours")


@register(AccessoryChecklist)
class AccessoryChecklistTranslation(TranslationOptions):
    fields = ("items",)


@register(FaultCategory)
class FaultCategoryTranslation(TranslationOptions):
    fields = ("name",)
