"""RepairOrder.state_entered_at: when the order entered its current state, from its history.

Existing orders take the time of the latest history row that moved them into their state
(a note keeps the state and does not count), else their last update.
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    RepairOrder = apps.get_model("repairs", "RepairOrder")
    StatusEvent = apps.get_model("claims", "StatusEvent")
    entry = (
        StatusEvent.objects.filter(
            claim_id=OuterRef("claim_id"), subject="order", to_status=OuterRef("status")
        )
        .exclude(from_status=F("to_status"))
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    RepairOrder.objects.update(state_entered_at=Coalesce(Subquery(entry), F("updated_at")))


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_search"),
        ("repairs", "0007_support_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="repairorder",
            name="state_entered_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="in this state since",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="repairorder",
            index=models.Index(fields=["status", "state_entered_at"], name="order_state_since"),
        ),
    ]
