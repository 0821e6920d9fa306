"""E-mails already in the outbox keep no link that opens a case: `my_url` and
`supplement_url` become the asks `personal_link` / `supplement_link`, signed again when an
e-mail is rendered (claims.emails.links_at_render). Sent rows lose the link for good."""

from django.db import migrations

LINKS = {"my_url": "personal_link", "supplement_url": "supplement_link"}


def take_links_out(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for name, ask in LINKS.items():
        rows = Notification.objects.filter(context__has_key=name)
        for notification in rows.iterator(chunk_size=1000):
            notification.context.pop(name)
            notification.context[ask] = True
            notification.save(update_fields=["context"])


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0008_duplicate_guard"),
        ("notifications", "0004_event_key_prefix_index"),
    ]

    operations = [migrations.RunPython(take_links_out, migrations.RunPython.noop)]
