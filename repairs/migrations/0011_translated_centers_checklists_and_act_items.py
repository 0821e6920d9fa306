"""Issue 19: centers, checklists and the act's ticked items in ru, kk and en.

Centers keep their words in Russian (the demo's get their Kazakh and English); a
checklist moves from a category name to the category's row and gets its items in every
language (an item not seeded keeps its Russian wording there until support translates
it); an act's ticked items become {"ru", "kk", "en"} and its missing ones are read back
from the Russian completeness line where it can be read; otherwise the act keeps its
line as written.
"""

import django.db.models.deletion
from django.db import migrations, models

from repairs.reference_data import (
    CENTER_WORDS,
    CHECKLISTS,
    DEMO_CENTERS,
    center_fields,
    checklist_texts,
    item_translations,
)

OLD_CATEGORY_CODES = {
    "Robot vacuum": "robot_vacuum",
    "Wet and dry vacuum": "wet_dry_vacuum",
    "Cordless stick vacuum": "stick_vacuum",
    "Hair dryer": "hair_dryer",
    "Hair styler": "hair_styler",
    "": "other",
}
LANGUAGES = ("ru", "kk", "en")


def centers_in_every_language(apps, schema_editor):
    ServiceCenter = apps.get_model("repairs", "ServiceCenter")
    demo = {data["email"]: center_fields(data) for data in DEMO_CENTERS.values()}
    for center in ServiceCenter.objects.all():
        for word in CENTER_WORDS:
            setattr(center, f"{word}_ru", getattr(center, word))
        if center.email in demo and center.name == demo[center.email]["name"]:
            for word in CENTER_WORDS:
                for language in LANGUAGES:
                    key = f"{word}_{language}"
                    setattr(center, key, demo[center.email][key])
        center.save()


def checklists_by_category(apps, schema_editor):
    ProductCategory = apps.get_model("claims", "ProductCategory")
    AccessoryChecklist = apps.get_model("repairs", "AccessoryChecklist")
    known = item_translations()
    for checklist in AccessoryChecklist.objects.all():
        code = OLD_CATEGORY_CODES.get(checklist.old_category)
        category = ProductCategory.objects.filter(code=code).first() if code else None
        if category is None:  # a category support added: made by claims 0011, or made here
            category, _created = ProductCategory.objects.get_or_create(
                name_ru=checklist.old_category,
                defaults={
                    "code": checklist.old_category.lower().replace(" ", "_")[:40],
                    "name": checklist.old_category,
                    "name_kk": checklist.old_category,
                    "name_en": checklist.old_category,
                },
            )
        if AccessoryChecklist.objects.filter(category=category).exists():
            continue
        lines = [line.strip() for line in checklist.items.splitlines() if line.strip()]
        items = [tuple(known.get(line, {}).get(lang, line) for lang in LANGUAGES) for line in lines]
        for key, value in checklist_texts(items).items():
            setattr(checklist, key, value)
        checklist.category = category
        checklist.save()
    for checklist in AccessoryChecklist.objects.filter(category=None):
        checklist.delete()  # a second row for one category cannot stay (one list each)


def checklists_back_to_names(apps, schema_editor):
    AccessoryChecklist = apps.get_model("repairs", "AccessoryChecklist")
    names = {code: name for name, code in OLD_CATEGORY_CODES.items()}
    for checklist in AccessoryChecklist.objects.select_related("category"):
        code = checklist.category.code
        checklist.old_category = names.get(code, checklist.category.name_ru or code)
        checklist.items = checklist.items_ru or checklist.items
        checklist.save(update_fields=["old_category", "items"])


def act_items_back_to_russian(apps, schema_editor):
    IntakeAct = apps.get_model("repairs", "IntakeAct")
    for act in IntakeAct.objects.exclude(accessories=[]):
        act.accessories = [
            item.get("ru", "") if isinstance(item, dict) else item for item in act.accessories
        ]
        act.save(update_fields=["accessories"])


def _known_items(segment: str, known: dict) -> list[str] | None:
    """The items of a «…, …» list, items with a comma in them included; None if one is
    not a known item."""
    items, pending = [], ""
    for token in segment.split(", "):
        pending = f"{pending}, {token}" if pending else token
        if pending in known:
            items.append(pending)
            pending = ""
    return None if pending else items


def act_items_in_every_language(apps, schema_editor):
    IntakeAct = apps.get_model("repairs", "IntakeAct")
    known = item_translations()
    for act in IntakeAct.objects.exclude(accessories=[]):
        text = act.completeness
        missing, other = [], ""
        if text.startswith("в комплекте: "):
            text, _sep, other = text.partition("; также: ")
            _present, _sep, missing_text = text.partition("; нет: ")
            missing = _known_items(missing_text, known) if missing_text else []
        else:
            missing = None
        if missing is None or any(item not in known for item in act.accessories):
            act.accessories = []  # the Russian line as written stands
        else:
            act.accessories = [known[item] for item in act.accessories]
            act.accessories_missing = [known[item] for item in missing]
            act.other_items = other[:300]
        act.save(update_fields=["accessories", "accessories_missing", "other_items"])




class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0013_product_categories_and_auto_notes'),
        ('repairs', '0010_order_status_labels_for_staff'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='accessorychecklist',
            options={'ordering': ['category__code'], 'verbose_name': 'accessory checklist', 'verbose_name_plural': 'accessory checklists'},
        ),
        migrations.AddField(
            model_name='accessorychecklist',
            name='items_en',
            field=models.TextField(help_text='The same items, in the same order, in every language.', null=True, verbose_name='items, one per line'),
        ),
        migrations.AddField(
            model_name='accessorychecklist',
            name='items_kk',
            field=models.TextField(help_text='The same items, in the same order, in every language.', null=True, verbose_name='items, one per line'),
        ),
        migrations.AddField(
            model_name='accessorychecklist',
            name='items_ru',
            field=models.TextField(help_text='The same items, in the same order, in every language.', null=True, verbose_name='items, one per line'),
        ),
        migrations.AddField(
            model_name='intakeact',
            name='accessories_missing',
            field=models.JSONField(blank=True, default=list, verbose_name='accessories missing'),
        ),
        migrations.AddField(
            model_name='intakeact',
            name='other_items',
            field=models.CharField(blank=True, max_length=300, verbose_name='anything else in the parcel'),
        ),
        migrations.AddField(
            model_name='servicecenter',
            name='city_en',
            field=models.CharField(max_length=100, null=True, verbose_name='city'),
        ),
        migrations.AddField(
            model_name='servicecenter',
            name='city_kk',
            field=models.CharField(max_length=100, null=True, verbose_name='city'),
        ),
        migrations.AddField(
            model_name='servicecenter',
            name='city_ru',
            field=models.CharField(max_length=100, null=True, verbose_name='city'),
        ),
        migrations.AddField(
            model_name='servicecenter',
            name='name_en',
            field=models.CharField(max_length=150, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='servicecenter',
            name='name_kk',
            field=models.CharField(max_length=150, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='servicecenter',
            name='name_ru',
            field=models.CharField(max_length=150, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='servicecenter',
            name='postal_address_en',
            field=models.CharField(max_length=255, null=True, verbose_name='postal address'),
        ),
        migrations.AddField(
            model_name='servicecenter',
            name='postal_address_kk',
            field=models.CharField(max_length=255, null=True, verbose_name='postal address'),
        ),
        migrations.AddField(
            model_name='servicecenter',
            name='postal_address_ru',
            field=models.CharField(max_length=255, null=True, verbose_name='postal address'),
        ),
        migrations.AddField(
            model_name='servicecenter',
            name='working_hours_en',
            field=models.CharField(max_length=150, null=True, verbose_name='working hours'),
        ),
        migrations.AddField(
            model_name='servicecenter',
            name='working_hours_kk',
            field=models.CharField(max_length=150, null=True, verbose_name='working hours'),
        ),
        migrations.AddField(
            model_name='servicecenter',
            name='working_hours_ru',
            field=models.CharField(max_length=150, null=True, verbose_name='working hours'),
        ),
        migrations.RenameField("accessorychecklist", "category", "old_category"),
        migrations.AlterField(
            model_name='accessorychecklist',
            name='old_category',
            field=models.CharField(max_length=80, blank=True),
        ),
        migrations.AddField(
            model_name='accessorychecklist',
            name='category',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='checklist', to='claims.productcategory', verbose_name='product category'),
        ),
        migrations.RunPython(centers_in_every_language, migrations.RunPython.noop),
        migrations.RunPython(checklists_by_category, checklists_back_to_names),
        migrations.RunPython(act_items_in_every_language, act_items_back_to_russian),
        migrations.RemoveField("accessorychecklist", "old_category"),
        migrations.AlterField(
            model_name='accessorychecklist',
            name='category',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='checklist', to='claims.productcategory', verbose_name='product category'),
        ),
        migrations.AlterField(
            model_name='accessorychecklist',
            name='items',
            field=models.TextField(help_text='The same items, in the same order, in every language.', verbose_name='items, one per line'),
        ),
    ]
