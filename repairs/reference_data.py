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


# What fails, per product category (claims.reference_data.CATEGORIES), in the order the
# technician's list shows it: code: (ru, kk, en). The codes are what the reports group by;
# support edits the words and may switch a row off, never its code. Each list ends with
# the catch-alls «Механическое повреждение», «Следы жидкости», «Другое».
_DAMAGE = [
    ("mechanical_damage", "Механическое повреждение", "Механикалық зақым", "Mechanical damage"),
    ("liquid_damage", "Следы жидкости", "Сұйықтық іздері", "Signs of liquid"),
    ("other", "Другое", "Басқа", "Other"),
]
FAULT_CATEGORIES: dict[str, list[tuple[str, str, str, str]]] = {
    "robot_vacuum": [
        ("not_charging", "Не заряжается", "Зарядталмайды", "Does not charge"),
        (
            "lidar_map",
            "Не строит карту / ошибка лидара",
            "Карта құрмайды / лидар қатесі",
            "No map / lidar error",
        ),
        (
            "weak_suction",
            "Не всасывает / слабая тяга",
            "Сормайды / тарту әлсіз",
            "No suction / weak suction",
        ),
        (
            "wheel_error",
            "Ошибка колёс / не едет",
            "Дөңгелек қатесі / жүрмейді",
            "Wheel error / does not move",
        ),
        (
            "station_water",
            "Протекает станция / ошибка воды",
            "Станциядан су ағады / су қатесі",
            "Station leaks / water error",
        ),
        (
            "wifi_app",
            "Не подключается к Wi‑Fi / приложению",
            "Wi‑Fi-ға / қосымшаға қосылмайды",
            "Does not connect to Wi‑Fi / the app",
        ),
        ("noise", "Шум, вибрация", "Шу, діріл", "Noise, vibration"),
        *_DAMAGE,
    ],
    "wet_dry_vacuum": [
        ("not_charging", "Не заряжается", "Зарядталмайды", "Does not charge"),
        (
            "weak_suction",
            "Не всасывает / слабая тяга",
            "Сормайды / тарту әлсіз",
            "No suction / weak suction",
        ),
        (
            "roller",
            "Не вращается валик",
            "Білік айналмайды",
            "Brush roller does not turn",
        ),
        (
            "water_leak",
            "Протекает / не подаёт воду",
            "Су ағады / су бермейді",
            "Leaks / no water flow",
        ),
        (
            "self_cleaning",
            "Не работает самоочистка / сушка",
            "Өздігінен тазалау / кептіру жұмыс істемейді",
            "Self-cleaning / drying does not work",
        ),
        ("display_error", "Ошибка на дисплее", "Дисплейдегі қате", "Error on the display"),
        ("noise", "Шум, вибрация", "Шу, діріл", "Noise, vibration"),
        *_DAMAGE,
    ],
    "stick_vacuum": [
        (
            "battery",
            "Не заряжается / быстро садится аккумулятор",
            "Зарядталмайды / аккумулятор тез отырады",
            "Does not charge / battery drains fast",
        ),
        ("not_starting", "Не включается", "Қосылмайды", "Does not switch on"),
        (
            "weak_suction",
            "Не всасывает / слабая тяга",
            "Сормайды / тарту әлсіз",
            "No suction / weak suction",
        ),
        (
            "floor_head",
            "Не вращается щётка насадки",
            "Саптама щёткасы айналмайды",
            "Floor head brush does not turn",
        ),
        ("display_error", "Ошибка на дисплее", "Дисплейдегі қате", "Error on the display"),
        ("noise", "Шум, вибрация", "Шу, діріл", "Noise, vibration"),
        *_DAMAGE,
    ],
    "hair_dryer": [
        ("not_starting", "Не включается", "Қосылмайды", "Does not switch on"),
        ("no_heat", "Не греет", "Қыздырмайды", "Does not heat"),
        (
            "overheating",
            "Перегревается / отключается",
            "Қызып кетеді / сөнеді",
            "Overheats / switches off",
        ),
        (
            "weak_airflow",
            "Слабый поток воздуха",
            "Ауа ағыны әлсіз",
            "Weak airflow",
        ),
        ("cord", "Повреждён шнур / вилка", "Сым / аша зақымдалған", "Damaged cord / plug"),
        ("noise", "Шум, вибрация", "Шу, діріл", "Noise, vibration"),
        *_DAMAGE,
    ],
    "hair_styler": [
        ("not_starting", "Не включается", "Қосылмайды", "Does not switch on"),
        ("no_heat", "Не греет", "Қыздырмайды", "Does not heat"),
        (
            "overheating",
            "Перегревается / отключается",
            "Қызып кетеді / сөнеді",
            "Overheats / switches off",
        ),
        (
            "attachment",
            "Не фиксируется насадка",
            "Саптама бекітілмейді",
            "Attachment does not lock",
        ),
        ("cord", "Повреждён шнур / вилка", "Сым / аша зақымдалған", "Damaged cord / plug"),
        *_DAMAGE,
    ],
    "other": [
        ("not_starting", "Не включается", "Қосылмайды", "Does not switch on"),
        ("not_charging", "Не заряжается", "Зарядталмайды", "Does not charge"),
        ("not_working", "Не выполняет функцию", "Қызметін атқармайды", "Does not do its job"),
        ("noise", "Шум, вибрация", "Шу, діріл", "Noise, vibration"),
        *_DAMAGE,
    ],
}


def seed_fault_categories(apps) -> None:
    """`apps` is a migration state's registry (a data migration's or post_migrate's).

    Adds the rows a category lacks, by code; a row support edited or switched off stays as
    it is. Nothing before the table exists (`migrate repairs 0013`)."""
    try:
        FaultCategory = apps.get_model("repairs", "FaultCategory")
    except LookupError:
        return
    ProductCategory = apps.get_model("claims", "ProductCategory")
    categories = {
        row.code: row for row in ProductCategory.objects.filter(code__in=FAULT_CATEGORIES)
    }
    have = set(FaultCategory.objects.values_list("product_category_id", "code"))
    FaultCategory.objects.bulk_create(
        [
            FaultCategory(
                product_category=categories[category],
                code=code,
                position=position,
                name=words[0],
                **{
                    f"name_{language}": word
                    for language, word in zip(LANGUAGES, words, strict=True)
                },
            )
            for category, rows in FAULT_CATEGORIES.items()
            if category in categories
            for position, (code, *words) in enumerate(rows, start=1)
            if (categories[category].pk, code) not in have
        ]
    )
