"""The history rows move from repairs.StatusEvent to claims.StatusEvent (one case, one
history, kept upstream). Rows keep their ids: the outbox's event keys name them."""

from django.core.management.color import no_style
from django.db import migrations

FIELDS = [
    "id",
    "claim_id",
    "transition",
    "from_status",
    "to_status",
    "by_id",
    "created_at",
    "public_note",
    "internal_note",
]


def copy_events(apps, schema_editor):
    Old = apps.get_model("repairs", "StatusEvent")
    New = apps.get_model("claims", "StatusEvent")
    batch = []
    for row in Old.objects.order_by("pk").values(*FIELDS, "repair_order_id").iterator():
        subject = "claim" if row.pop("repair_order_id") is None else "order"
        batch.append(New(subject=subject, **row))
        if len(batch) >= 1000:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)
    # Ids were copied, so the new table's sequence must start after them (PostgreSQL).
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [New]):
            cursor.execute(sql)


def copy_back(apps, schema_editor):
    Old = apps.get_model("repairs", "StatusEvent")
    New = apps.get_model("claims", "StatusEvent")
    RepairOrder = apps.get_model("repairs", "RepairOrder")
    orders = dict(RepairOrder.objects.values_list("claim_id", "pk"))
    Old.objects.bulk_create(
        Old(
            repair_order_id=orders.get(row["claim_id"]) if row.pop("subject") == "order" else None,
            **row,
        )
        for row in New.objects.order_by("pk").values(*FIELDS, "subject")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("repairs", "0002_groups"),
        ("claims", "0004_statusevent"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="repairorder",
            options={
                "ordering": ["-created_at"],
                "permissions": [
                    ("work_on_order", "Can move repair orders of their service center"),
                    ("reassign_order", "Can move repair orders to another service center"),
                ],
                "verbose_name": "repair order",
                "verbose_name_plural": "repair orders",
            },
        ),
        migrations.RunPython(copy_events, copy_back),
        migrations.DeleteModel(name="StatusEvent"),
    ]
