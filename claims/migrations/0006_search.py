"""Indexes for support's claim list at 100,000 claims: its default order and its searches.

- claim_reply_order: the list's default order (open claims by their answer deadline, then the
  rest newest first), the same expressions as claims.admin.MOST_URGENT_FIRST, so the first
  page is read off the index instead of sorting the table.
- claim_email_upper, claim_whatsapp: the e-mail (any case) and WhatsApp readings of a search
  (the phone, the number and the serial number have theirs already).
- claim_name_trgm, PostgreSQL only: a trigram index under UPPER(full_name) LIKE '%…%', which
  is what icontains sends; it needs the pg_trgm extension (trusted: the database owner may
  create it). SQLite has neither and scans, which a small site affords.

The indexes live in the database only (SeparateDatabaseAndState): the model state, and so
`makemigrations`, stays as claims/models.py declares it.
"""

from django.db import migrations, models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Upper

# The states whose answer clock runs (claims.admin.OPEN_STATES), frozen here.
_IS_OPEN = Q(status__in=["submitted", "needs_info"])

TRIGRAM_INDEX = (
    "CREATE INDEX IF NOT EXISTS claim_name_trgm ON claims_claim "
    "USING gin ((UPPER(full_name::text)) gin_trgm_ops)"
)


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(TRIGRAM_INDEX)


def drop_trigram_index(apps, schema_editor):
    # The extension stays: something else may use it, and it costs nothing unused.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS claim_name_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0005_search_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AddIndex(
                    model_name="claim",
                    index=models.Index(
                        Case(When(_IS_OPEN, then=Value(0)), default=Value(1)),
                        Case(When(_IS_OPEN, then=F("response_due_date"))),
                        F("submitted_at").desc(),
                        F("id").desc(),
                        name="claim_reply_order",
                    ),
                ),
                migrations.AddIndex(
                    model_name="claim",
                    index=models.Index(Upper("email"), name="claim_email_upper"),
                ),
                migrations.AddIndex(
                    model_name="claim",
                    index=models.Index(fields=["whatsapp"], name="claim_whatsapp"),
                ),
            ],
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
