# The fault categories of every product category in ru, kk and en (repairs.reference_data,
# seeded again after every migrate), and support's permission to edit them (repairs.roles).

from django.db import migrations

from repairs.reference_data import seed_fault_categories
from repairs.roles import create_roles


def seed(apps, schema_editor):
    seed_fault_categories(apps)
    create_roles(apps, skip_missing=True)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0018_email_attachment_kind"),
        ("repairs", "0015_quote_lines_and_revised_quotes"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
