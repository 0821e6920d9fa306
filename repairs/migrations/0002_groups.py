from django.db import migrations

from repairs.roles import create_roles


def create_groups(apps, schema_editor):
    # Permissions of models added by later migrations come with post_migrate.
    create_roles(apps, skip_missing=True)


class Migration(migrations.Migration):
    dependencies = [
        ("repairs", "0001_initial"),
        ("claims", "0002_seed_policy_and_products"),
        ("notifications", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
