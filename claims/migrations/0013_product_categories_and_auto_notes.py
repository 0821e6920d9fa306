"""Issue 19: product categories and the texts of automatic notes in ru, kk and en.

ProductModel.category was an English name ("Robot vacuum"); it becomes a category row
under a stable code. The automatic notes already in the history (a quote answered online,
a verdict changed by support) were written as Russian text: they become a code and its
values where the text is recognised, and stay as written otherwise.
"""

import re
from decimal import Decimal, InvalidOperation

import django.db.models.deletion
from django.db import migrations, models
from django.utils.text import slugify

from claims.reference_data import AUTO_NOTES, CATEGORIES, in_every_language

OLD_CATEGORY_CODES = {
    "Robot vacuum": "robot_vacuum",
    "Wet and dry vacuum": "wet_dry_vacuum",
    "Cordless stick vacuum": "stick_vacuum",
    "Hair dryer": "hair_dryer",
    "Hair styler": "hair_styler",
}
QUOTE_NOTE = re.compile(r"^Ответ дан онлайн через «Мой ремонт»: [^\n]*?, ([\d\s\u00a0]+) ₸\.$")
VERDICT_NOTE = re.compile(
    r"^Предварительное решение: (.+?) → (.+?)\. Причина: (.*)$", re.DOTALL
)
VERDICTS_RU = {
    "Возврат и возмещение денег": "return_refund",
    "Замена или возврат денег": "replace_or_refund",
    "Бесплатный гарантийный ремонт": "free_repair",
    "Платный ремонт": "paid_repair",
}


def categories_from_names(apps, schema_editor):
    ProductCategory = apps.get_model("claims", "ProductCategory")
    ProductModel = apps.get_model("claims", "ProductModel")
    for code, names in CATEGORIES.items():
        ProductCategory.objects.get_or_create(code=code, defaults=in_every_language("name", names))
    for product in ProductModel.objects.exclude(old_category=""):
        name = product.old_category.strip()
        code = OLD_CATEGORY_CODES.get(name) or slugify(name)[:40] or "other"
        # A category support typed by hand: its name in every language until translated.
        product.category, _created = ProductCategory.objects.get_or_create(
            code=code, defaults=in_every_language("name", (name, name, name))
        )
        product.save(update_fields=["category"])


def names_from_categories(apps, schema_editor):
    ProductModel = apps.get_model("claims", "ProductModel")
    for product in ProductModel.objects.select_related("category").exclude(category=None):
        product.old_category = product.category.name_en or product.category.name
        product.save(update_fields=["old_category"])


def notes_to_codes(apps, schema_editor):
    AutoNote = apps.get_model("claims", "AutoNote")
    StatusEvent = apps.get_model("claims", "StatusEvent")
    for code, texts in AUTO_NOTES.items():
        AutoNote.objects.get_or_create(code=code, defaults=in_every_language("text", texts))
    answers = StatusEvent.objects.filter(
        transition__in=["accept_quote", "decline_quote"],
        internal_note__startswith="Ответ дан онлайн через",
    )
    for event in answers:
        first, _newline, rest = event.internal_note.partition("\n")
        match = QUOTE_NOTE.match(first)
        if not match:
            continue
        try:
            amount = Decimal(re.sub(r"\s", "", match.group(1)))
        except InvalidOperation:
            continue
        accepted = event.transition == "accept_quote"
        event.note_code = "quote_accepted_online" if accepted else "quote_declined_online"
        event.note_params = {"amount": str(amount)}
        event.internal_note = rest  # the wording the customer was shown
        event.save(update_fields=["note_code", "note_params", "internal_note"])
    for event in StatusEvent.objects.filter(transition="override_verdict"):
        match = VERDICT_NOTE.match(event.internal_note)
        if not match or match.group(2) not in VERDICTS_RU:
            continue
        event.note_code = "verdict_overridden"
        event.note_params = {
            "old": VERDICTS_RU.get(match.group(1), ""),
            "new": VERDICTS_RU[match.group(2)],
            "reason": match.group(3),
        }
        event.internal_note = ""
        event.save(update_fields=["note_code", "note_params", "internal_note"])




def codes_back_to_notes(apps, schema_editor):
    StatusEvent = apps.get_model("claims", "StatusEvent")
    labels = {code: label for label, code in VERDICTS_RU.items()}
    for event in StatusEvent.objects.exclude(note_code=""):
        params = event.note_params or {}
        if event.note_code in ("quote_accepted_online", "quote_declined_online"):
            decision = "Принято" if event.note_code == "quote_accepted_online" else "Отклонено"
            amount = f"{int(Decimal(params.get('amount') or 0)):,}".replace(",", " ")
            note = f"Ответ дан онлайн через «Мой ремонт»: {decision}, {amount} ₸."
        elif event.note_code == "verdict_overridden":
            note = "Предварительное решение: {} → {}. Причина: {}".format(
                labels.get(params.get("old"), "—"), labels.get(params.get("new"), "—"),
                params.get("reason", ""),
            )
        else:
            continue
        event.internal_note = "\n".join(part for part in (note, event.internal_note) if part)
        event.save(update_fields=["internal_note"])


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0012_email_trigram_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='AutoNote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                ('text', models.CharField(help_text='Values in %(name)s form are filled in by the portal: keep them as they are.', max_length=300, verbose_name='text')),
                ('text_ru', models.CharField(help_text='Values in %(name)s form are filled in by the portal: keep them as they are.', max_length=300, null=True, verbose_name='text')),
                ('text_kk', models.CharField(help_text='Values in %(name)s form are filled in by the portal: keep them as they are.', max_length=300, null=True, verbose_name='text')),
                ('text_en', models.CharField(help_text='Values in %(name)s form are filled in by the portal: keep them as they are.', max_length=300, null=True, verbose_name='text')),
            ],
            options={
                'verbose_name': 'automatic note',
                'verbose_name_plural': 'automatic notes',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='ProductCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=80, verbose_name='name')),
                ('name_ru', models.CharField(max_length=80, null=True, verbose_name='name')),
                ('name_kk', models.CharField(max_length=80, null=True, verbose_name='name')),
                ('name_en', models.CharField(max_length=80, null=True, verbose_name='name')),
            ],
            options={
                'verbose_name': 'product category',
                'verbose_name_plural': 'product categories',
                'ordering': ['code'],
            },
        ),
        migrations.AddField(
            model_name='statusevent',
            name='note_code',
            field=models.CharField(blank=True, max_length=40, verbose_name='automatic note'),
        ),
        migrations.AddField(
            model_name='statusevent',
            name='note_params',
            field=models.JSONField(blank=True, default=dict, verbose_name="automatic note's values"),
        ),
        migrations.RenameField("productmodel", "category", "old_category"),
        migrations.AddField(
            model_name='productmodel',
            name='category',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='product_models', to='claims.productcategory', verbose_name='category'),
        ),
        migrations.RunPython(categories_from_names, names_from_categories),
        migrations.RemoveField("productmodel", "old_category"),
        migrations.RunPython(notes_to_codes, codes_back_to_notes),
    ]
