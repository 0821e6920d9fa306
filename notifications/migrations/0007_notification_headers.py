from django.db import migrations, models


class Migration(migrations.Migration):
    # 0006 is the support mailbox's (issue 21): the lead renumbers this one after it.
    dependencies = [
        ("notifications", "0006_inbound_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="headers",
            field=models.JSONField(blank=True, default=dict, verbose_name="extra headers"),
        ),
    ]
