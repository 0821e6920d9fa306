"""claim_email_trgm, PostgreSQL only: support's search finds a part of an e-mail
(«aigerim@», «example.kz») with UPPER(email) LIKE '%…%', served by this trigram index as the
name's is by claim_name_trgm (0006). SQLite scans, which a small site affords. In the
database only, like 0006's: the model state stays as claims/models.py declares it."""

from django.db import migrations

TRIGRAM_INDEX = (
    "CREATE INDEX IF NOT EXISTS claim_email_trgm ON claims_claim "
    "USING gin ((UPPER(email::text)) gin_trgm_ops)"
)


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(TRIGRAM_INDEX)


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS claim_email_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0011_attachment_kind"),
    ]

    operations = [
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
