"""Accessory checklists per product category, ticked off at intake, in ru, kk and en.

Written by a data migration and again after every `migrate`/`flush` (post_migrate), only
where a category has none yet: support's edits in admin are never overwritten. The act
shows the items in its own language (IntakeAct.completeness_text).
"""

# category code (claims.reference_data.CATEGORIES): [(ru, kk, en), …], item by item.
CHECKLISTS = {
    "robot_vacuum": [
        ("Робот-пылесос", "Робот-шаңсорғыш", "Robot vacuum"),
        ("Базовая станция", "Базалық станция", "Base station"),
        ("Блок питания / кабель", "Қуат блогы / кабель", "Power adapter / cable"),
        ("Резервуар для чистой воды", "Таза су ыдысы", "Clean water tank"),
        ("Резервуар для грязной воды", "Лас су ыдысы", "Dirty water tank"),
        ("Швабры (мопы)", "Швабралар (моптар)", "Mops"),
        ("Основная щётка", "Негізгі щётка", "Main brush"),
        ("Боковая щётка", "Бүйір щёткасы", "Side brush"),
        ("Пылесборник / мешок", "Шаң жинағыш / қап", "Dust bin / bag"),
    ],
    "wet_dry_vacuum": [
        ("Пылесос", "Шаңсорғыш", "Vacuum cleaner"),
        ("Зарядная база", "Зарядтау базасы", "Charging base"),
        ("Блок питания", "Қуат блогы", "Power adapter"),
        ("Резервуар для чистой воды", "Таза су ыдысы", "Clean water tank"),
        ("Резервуар для грязной воды", "Лас су ыдысы", "Dirty water tank"),
        ("Валик", "Білік", "Brush roller"),
        ("Щётка для очистки", "Тазалау щёткасы", "Cleaning brush"),
    ],
    "stick_vacuum": [
        ("Пылесос (корпус)", "Шаңсорғыш (корпус)", "Vacuum cleaner (body)"),
        ("Аккумулятор", "Аккумулятор", "Battery"),
        ("Зарядное устройство", "Зарядтағыш", "Charger"),
        ("Труба", "Түтік", "Tube"),
        ("Основная насадка", "Негізгі саптама", "Main floor head"),
        ("Насадки (щелевая, щётка)", "Саптамалар (саңылау, щётка)", "Tools (crevice, brush)"),
        ("Настенное крепление", "Қабырғаға бекіткіш", "Wall mount"),
    ],
    "hair_dryer": [
        ("Фен", "Шаш кептіргіш", "Hair dryer"),
        ("Насадка-концентратор", "Концентратор саптама", "Concentrator nozzle"),
        ("Насадка-диффузор", "Диффузор саптама", "Diffuser"),
        ("Чехол", "Қап", "Case"),
    ],
    "hair_styler": [
        ("Стайлер", "Стайлер", "Styler"),
        ("Насадки", "Саптамалар", "Attachments"),
        ("Чехол", "Қап", "Case"),
    ],
    "other": [
        ("Устройство", "Құрылғы", "Device"),
        (
            "Зарядное устройство / блок питания",
            "Зарядтағыш / қуат блогы",
            "Charger / power adapter",
        ),
        ("Комплектующие", "Жинақтаушы бөлшектер", "Accessories"),
    ],
}
LANGUAGES = ("ru", "kk", "en")


def checklist_texts(items: list[tuple[str, str, str]]) -> dict[str, str]:
    """The `items` columns: one item per line in each language (the plain one is Russian)."""
    columns = {
        f"items_{language}": "\n".join(item[index] for item in items)
        for index, language in enumerate(LANGUAGES)
    }
    return {"items": columns["items_ru"], **columns}


def seed_checklists(apps) -> None:
    """`apps` is a migration state's registry (a data migration's or post_migrate's).

    After `migrate <app> <an earlier migration>` the tables may have their old shape (no
    categories yet): then their own migrations have seeded them, and nothing is done."""
    AccessoryChecklist = apps.get_model("repairs", "AccessoryChecklist")
    if not AccessoryChecklist._meta.get_field("category").is_relation:
        return
    ProductCategory = apps.get_model("claims", "ProductCategory")
    categories = {row.code: row for row in ProductCategory.objects.filter(code__in=CHECKLISTS)}
    for code, items in CHECKLISTS.items():
        if code in categories:
            AccessoryChecklist.objects.get_or_create(
                category=categories[code], defaults=checklist_texts(items)
            )


# The demo's service centers (`seed_demo`), their words in (ru, kk, en). Kazakhstan's
# postal addresses are written the same way in Kazakh (street names stay as named).
DEMO_CENTERS = {
    "almaty": {
        "name": ("DREAME Сервис Алматы", "DREAME Сервис Алматы", "DREAME Service Almaty"),
        "city": ("Алматы", "Алматы", "Almaty"),
        "postal_address": (
            "050010, г. Алматы, ул. Богенбай батыра, 132, офис 5",
            "050010, Алматы қ., Бөгенбай батыр к-сі, 132, 5-кеңсе",
            "Office 5, 132 Bogenbay Batyr St, Almaty 050010",
        ),
        "working_hours": (
            "Пн–Пт 9:00–18:00, Сб 10:00–15:00",
            "Дс–Жм 9:00–18:00, Сб 10:00–15:00",
            "Mon–Fri 9:00–18:00, Sat 10:00–15:00",
        ),
        "phone": "+77273550101",
        "email": "almaty@dreame-service.kz",
        "whatsapp": "+77070001101",
    },
    "astana": {
        "name": ("DREAME Сервис Астана", "DREAME Сервис Астана", "DREAME Service Astana"),
        "city": ("Астана", "Астана", "Astana"),
        "postal_address": (
            "010000, г. Астана, пр. Мангилик Ел, 54, ВП-12",
            "010000, Астана қ., Мәңгілік Ел д-лы, 54, ТЕБ-12",
            "Unit 12, 54 Mangilik El Ave, Astana 010000",
        ),
        "working_hours": ("Пн–Пт 9:00–18:00", "Дс–Жм 9:00–18:00", "Mon–Fri 9:00–18:00"),
        "phone": "+77172550202",
        "email": "astana@dreame-service.kz",
        "whatsapp": "+77070002202",
    },
    "shymkent": {
        "name": ("DREAME Сервис Шымкент", "DREAME Сервис Шымкент", "DREAME Service Shymkent"),
        "city": ("Шымкент", "Шымкент", "Shymkent"),
        "postal_address": (
            "160012, г. Шымкент, пр. Тауке хана, 31, офис 104",
            "160012, Шымкент қ., Тәуке хан д-лы, 31, 104-кеңсе",
            "Office 104, 31 Tauke Khan Ave, Shymkent 160012",
        ),
        "working_hours": ("Пн–Сб 10:00–19:00", "Дс–Сб 10:00–19:00", "Mon–Sat 10:00–19:00"),
        "phone": "+77252550303",
        "email": "shymkent@dreame-service.kz",
        "whatsapp": "+77070003303",
    },
}
CENTER_WORDS = ("name", "city", "postal_address", "working_hours")


def center_fields(data: dict) -> dict:
    """A DEMO_CENTERS entry as ServiceCenter's fields: each word in every language."""
    fields = {key: value for key, value in data.items() if key not in CENTER_WORDS}
    for word in CENTER_WORDS:
        fields[word] = data[word][0]
        for index, language in enumerate(LANGUAGES):
            fields[f"{word}_{language}"] = data[word][index]
    return fields


def item_translations() -> dict[str, dict[str, str]]:
    """Every seeded item by its Russian wording: {"ru": …, "kk": …, "en": …}."""
    return {
        item[0]: dict(zip(LANGUAGES, item, strict=True))
        for items in CHECKLISTS.values()
        for item in items
    }
