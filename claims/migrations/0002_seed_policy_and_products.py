from django.db import migrations

# The catalogue as it was seeded then (category names, before issue 19's categories):
# frozen here, since claims.reference_data now seeds the later shape (0011).
PRODUCTS = [
    ("DREAME L40 Ultra", "Robot vacuum"),
    ("DREAME L20 Ultra", "Robot vacuum"),
    ("DREAME X40 Ultra", "Robot vacuum"),
    ("DREAME L10s Ultra Gen 2", "Robot vacuum"),
    ("DREAME D10 Plus Gen 2", "Robot vacuum"),
    ("DREAME H14 Pro", "Wet and dry vacuum"),
    ("DREAME H12 Dual", "Wet and dry vacuum"),
    ("DREAME Z30", "Cordless stick vacuum"),
    ("DREAME R20", "Cordless stick vacuum"),
    ("DREAME T30 Neo", "Cordless stick vacuum"),
    ("DREAME Hair Glory", "Hair dryer"),
    ("DREAME AirStyle Pro", "Hair styler"),
]
KZ_POLICY = {"return_days": 15, "replace_days": 30, "repair_months": 12, "response_days": 10}


def seed(apps, schema_editor):
    WarrantyPolicy = apps.get_model("claims", "WarrantyPolicy")
    ProductModel = apps.get_model("claims", "ProductModel")
    WarrantyPolicy.objects.get_or_create(country="KZ", defaults=KZ_POLICY)
    for name, category in PRODUCTS:
        ProductModel.objects.get_or_create(name=name, defaults={"category": category})


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
