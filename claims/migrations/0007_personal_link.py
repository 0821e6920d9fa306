import secrets

from django.db import migrations, models

import claims.links


def give_every_claim_a_link_key(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    batch = []
    for claim in Claim.objects.only("pk").iterator(chunk_size=2000):
        claim.link_key = secrets.token_urlsafe(claims.links.KEY_BYTES)
        batch.append(claim)
        if len(batch) == 2000:
            Claim.objects.bulk_update(batch, ["link_key"])
            batch = []
    Claim.objects.bulk_update(batch, ["link_key"])


def mark_customer_steps(apps, schema_editor):
    # Until now "by the customer" was read off the step's name; these steps had no author.
    StatusEvent = apps.get_model("claims", "StatusEvent")
    StatusEvent.objects.filter(
        by__isnull=True, transition__in=["submit", "supplement", "withdraw"]
    ).update(by_customer=True)


def date_ended_claims(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    StatusEvent = apps.get_model("claims", "StatusEvent")
    last_move = (
        StatusEvent.objects.filter(claim=models.OuterRef("pk"), subject="claim")
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    Claim.objects.filter(status__in=["rejected", "closed"]).update(
        ended_at=models.Subquery(last_move)
    )


class Migration(migrations.Migration):
    dependencies = [("claims", "0006_search")]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="link_key",
            field=models.CharField(
                editable=False, max_length=32, null=True, verbose_name="personal link key"
            ),
        ),
        migrations.RunPython(give_every_claim_a_link_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="claim",
            name="link_key",
            field=models.CharField(
                default=claims.links.new_link_key,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="personal link key",
            ),
        ),
        migrations.AddField(
            model_name="statusevent",
            name="by_customer",
            field=models.BooleanField(default=False, verbose_name="by the customer"),
        ),
        migrations.RunPython(mark_customer_steps, migrations.RunPython.noop),
        migrations.AddField(
            model_name="claim",
            name="ended_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="ended at"
            ),
        ),
        migrations.RunPython(date_ended_claims, migrations.RunPython.noop),
    ]
