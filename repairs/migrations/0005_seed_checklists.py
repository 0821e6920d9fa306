from django.db import migrations

from repairs.reference_data import seed_checklists


def seed(apps, schema_editor):
    seed_checklists(apps)


class Migration(migrations.Migration):
    dependencies = [("repairs", "0004_intake_details_and_checklists")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
