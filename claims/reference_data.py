"""Reference rows the portal cannot work without: the KZ warranty policy, the catalogue
with its categories, and the texts of the history's automatic notes, each in ru, kk, en.

Written by a data migration and again after every `migrate`/`flush` (post_migrate), so
a test database emptied by a transactional test gets them back. Idempotent: a row that
exists is left as support edited it.
"""

# code: (ru, kk, en). `other` serves products typed by hand (and its checklist theirs).
CATEGORIES = {
    "robot_vacuum": ("Робот-пылесос", "Робот-шаңсорғыш", "Robot vacuum"),
    "wet_dry_vacuum": ("Моющий пылесос", "Жуғыш шаңсорғыш", "Wet and dry vacuum"),
    "stick_vacuum": (
        "Беспроводной вертикальный пылесос",
        "Сымсыз тік шаңсорғыш",
        "Cordless stick vacuum",
    ),
    "hair_dryer": ("Фен", "Шаш кептіргіш", "Hair dryer"),
    "hair_styler": ("Стайлер для волос", "Шаш стайлері", "Hair styler"),
    "other": ("Другое изделие", "Басқа бұйым", "Other product"),
}
OTHER_CATEGORY = "other"

PRODUCTS = [
    ("DREAME L40 Ultra", "robot_vacuum"),
    ("DREAME L20 Ultra", "robot_vacuum"),
    ("DREAME X40 Ultra", "robot_vacuum"),
    ("DREAME L10s Ultra Gen 2", "robot_vacuum"),
    ("DREAME D10 Plus Gen 2", "robot_vacuum"),
    ("DREAME H14 Pro", "wet_dry_vacuum"),
    ("DREAME H12 Dual", "wet_dry_vacuum"),
    ("DREAME Z30", "stick_vacuum"),
    ("DREAME R20", "stick_vacuum"),
    ("DREAME T30 Neo", "stick_vacuum"),
    ("DREAME Hair Glory", "hair_dryer"),
    ("DREAME AirStyle Pro", "hair_styler"),
]
KZ_POLICY = {"return_days": 15, "replace_days": 30, "repair_months": 12, "response_days": 10}

# The history's automatic notes (claims.notes): code: (ru, kk, en). `%(name)s` are the
# values the portal fills in, formatted for the reader (claims.notes.PARAM_FORMATS).
AUTO_NOTES = {
    "quote_accepted_online": (
        "Ответ дан онлайн через «Мой ремонт»: смета принята, %(amount)s.",
        "«Менің жөндеуім» беті арқылы онлайн жауап берілді: смета қабылданды, %(amount)s.",
        "Answered online through «My repair»: quote accepted, %(amount)s.",
    ),
    "quote_declined_online": (
        "Ответ дан онлайн через «Мой ремонт»: от сметы отказались, %(amount)s.",
        "«Менің жөндеуім» беті арқылы онлайн жауап берілді: сметадан бас тартты, %(amount)s.",
        "Answered online through «My repair»: quote declined, %(amount)s.",
    ),
    "verdict_overridden": (
        "Предварительное решение: %(old)s → %(new)s. Причина: %(reason)s",
        "Алдын ала шешім: %(old)s → %(new)s. Себебі: %(reason)s",
        "Preliminary verdict: %(old)s → %(new)s. Reason: %(reason)s",
    ),
    "final_verdict_changed": (
        "Итоговое решение: %(old)s → %(new)s. Причина: %(reason)s",
        "Қорытынды шешім: %(old)s → %(new)s. Себебі: %(reason)s",
        "Final verdict: %(old)s → %(new)s. Reason: %(reason)s",
    ),
    "order_reassigned": (
        "Сервисный центр: %(from_center)s → %(to_center)s. Причина: %(reason)s",
        "Сервис орталығы: %(from_center)s → %(to_center)s. Себебі: %(reason)s",
        "Service center: %(from_center)s → %(to_center)s. Reason: %(reason)s",
    ),
    "data_corrected": (
        "Исправлено:\n%(changes)s",
        "Түзетілді:\n%(changes)s",
        "Corrected:\n%(changes)s",
    ),
    "order_owner_changed": (
        "Ответственный: %(old_owner)s → %(new_owner)s",
        "Жауапты маман: %(old_owner)s → %(new_owner)s",
        "Responsible technician: %(old_owner)s → %(new_owner)s",
    ),
    # The fault category picked as diagnostics ends (DESIGN §9), in the reader's language.
    "fault_found": (
        "Неисправность: %(fault)s",
        "Ақау: %(fault)s",
        "Fault: %(fault)s",
    ),
}
LANGUAGES = ("ru", "kk", "en")


def in_every_language(field: str, texts: tuple[str, ...]) -> dict[str, str]:
    """{"name": ru, "name_ru": ru, "name_kk": kk, "name_en": en}: the plain column keeps
    Russian, as django-modeltranslation leaves the default language there."""
    values = {f"{field}_{language}": text for language, text in zip(LANGUAGES, texts, strict=True)}
    return {field: texts[0], **values}


def seed_reference_data(apps) -> None:
    """`apps` is a migration state's registry (a data migration's or post_migrate's).

    After `migrate claims <an earlier migration>` the tables have their old shape: then
    the migrations that made them have seeded them, and nothing is done here."""
    WarrantyPolicy = apps.get_model("claims", "WarrantyPolicy")
    try:
        ProductCategory = apps.get_model("claims", "ProductCategory")
    except LookupError:
        return
    ProductModel = apps.get_model("claims", "ProductModel")
    AutoNote = apps.get_model("claims", "AutoNote")
    WarrantyPolicy.objects.get_or_create(country="KZ", defaults=KZ_POLICY)
    categories = {
        code: ProductCategory.objects.get_or_create(
            code=code, defaults=in_every_language("name", names)
        )[0]
        for code, names in CATEGORIES.items()
    }
    for name, code in PRODUCTS:
        ProductModel.objects.get_or_create(name=name, defaults={"category": categories[code]})
    for code, texts in AUTO_NOTES.items():
        AutoNote.objects.get_or_create(code=code, defaults=in_every_language("text", texts))
