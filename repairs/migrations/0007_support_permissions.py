# Support registers the customer's parcel and cancels orders of any center
# (repairs.services.SUPPORT_TRANSITIONS); the support group gets it in repairs.roles.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("repairs", "0006_search_indexes"),
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
                        "Can register the customer's parcel and cancel any center's repair orders",
                    ),
                ],
                "verbose_name": "repair order",
                "verbose_name_plural": "repair orders",
            },
        ),
    ]
