"""Which reference fields exist in ru, kk and en (django-modeltranslation adds `name_ru`,
`name_kk`, `name_en`; `name` reads the active language's, Russian where one is empty)."""

from modeltranslation.translator import TranslationOptions, register

from claims.models import AutoNote, ProductCategory


@register(ProductCategory)
class ProductCategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(AutoNote)
class AutoNoteTranslation(TranslationOptions):
    fields = ("text",)
