"""Accessory checklists per product category, ticked off at intake.

Written by a data migration and again after every `migrate`/`flush` (post_migrate), only
where a category has none yet: support's edits in admin are never overwritten. The items
are in Russian, the language of the act that centers keep on file.
"""

CHECKLISTS = {
    "Robot vacuum": [
        "Робот-пылесос",
        "Базовая станция",
        "Блок питания / кабель",
        "Резервуар для чистой воды",
        "Резервуар для грязной воды",
        "Швабры (мопы)",
        "Основная щётка",
        "Боковая щётка",
        "Пылесборник / мешок",
    ],
    "Wet and dry vacuum": [
        "Пылесос",
        "Зарядная база",
        "Блок питания",
        "Резервуар для чистой воды",
        "Резервуар для грязной воды",
        "Валик",
        "Щётка для очистки",
    ],
    "Cordless stick vacuum": [
        "Пылесос (корпус)",
        "Аккумулятор",
        "Зарядное устройство",
        "Труба",
        "Основная насадка",
        "Насадки (щелевая, щётка)",
        "Настенное крепление",
    ],
    "Hair dryer": ["Фен", "Насадка-концентратор", "Насадка-диффузор", "Чехол"],
    "Hair styler": ["Стайлер", "Насадки", "Чехол"],
    "": ["Устройство", "Зарядное устройство / блок питания", "Комплектующие"],
}


def seed_checklists(apps) -> None:
    """`apps` is a migration state's registry (a data migration's or post_migrate's)."""
    AccessoryChecklist = apps.get_model("repairs", "AccessoryChecklist")
    for category, items in CHECKLISTS.items():
        AccessoryChecklist.objects.get_or_create(
            category=category, defaults={"items": "\n".join(items)}
        )
