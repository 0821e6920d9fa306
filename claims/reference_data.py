"""Reference rows the portal cannot work without: the KZ warranty policy and the catalogue.

Written by a data migration and again after every `migrate`/`flush` (post_migrate), so
a test database emptied by a transactional test gets them back. Idempotent.
"""

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


def seed_reference_data(apps) -> None:
    """`apps` is a migration state's registry (a data migration's or post_migrate's)."""
    WarrantyPolicy = apps.get_model("claims", "WarrantyPolicy")
    ProductModel = apps.get_model("claims", "ProductModel")
    WarrantyPolicy.objects.get_or_create(country="KZ", defaults=KZ_POLICY)
    for name, category in PRODUCTS:
        ProductModel.objects.get_or_create(name=name, defaults={"category": category})
