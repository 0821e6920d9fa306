from django.db import migrations

# The checklists as they were seeded then (Russian only, keyed by category name): frozen
# here, since repairs.reference_data now seeds the later shape (0010).
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


def seed(apps, schema_editor):
    AccessoryChecklist = apps.get_model("repairs", "AccessoryChecklist")
    for category, items in CHECKLISTS.items():
        AccessoryChecklist.objects.get_or_create(
            category=category, defaults={"items": "\n".join(items)}
        )


class Migration(migrations.Migration):
    dependencies = [("repairs", "0004_intake_details_and_checklists")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
