# /admin/reports/ (issue 22): its own permission, repairs.view_reports, given to the
# support group (repairs.roles, as every role's permission).

from django.db import migrations

from repairs.roles import create_roles


def give_roles_their_permissions(apps, schema_editor):
    create_roles(apps, skip_missing=True)


class Migration(migrations.Migration):
    dependencies = [
        ("repairs", "0016_seed_fault_categories"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="repairorder",
            options={
                "ordering": ["-created_at"],
                "permissions": [
                    ("work_on_order", "Can move repair orders of their service center"),
                    ("reassign_order", "Can move repair orders to another service center"),
                    (
                        "support_order",
                        "Can register the customer's parcel and cancel any center's repair "
                        "orders",
                    ),
                    ("view_reports", "Can see the reports"),
                ],
                "verbose_name": "repair order",
                "verbose_name_plural": "repair orders",
            },
        ),
        migrations.RunPython(give_roles_their_permissions, migrations.RunPython.noop),
    ]
