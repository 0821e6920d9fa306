"""Case-insensitive "contains" that knows every alphabet, on PostgreSQL and on SQLite.

Django's `icontains` is `UPPER(col) LIKE UPPER(%s)` on PostgreSQL, which folds Cyrillic and
Kazakh letters, but a bare `LIKE` on SQLite, whose case folding is ASCII only: «айгерим»
misses «Айгерим». `contains_folded` sends the same SQL as `icontains` on PostgreSQL (so the
trigram indexes under `UPPER(col)` still serve it) and, on SQLite, compares under
`UNICODE_UPPER`, Python's `str.upper`, which `register_unicode_upper` adds to each new
SQLite connection (connected in ClaimsConfig.ready).
"""

from django.db.models import Q
from django.db.models.functions import Upper
from django.db.models.lookups import Contains

SQLITE_FUNCTION = "UNICODE_UPPER"


class UnicodeUpper(Upper):
    """UPPER(col); on SQLite the Python function, since SQLite's upper() is ASCII only."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)


def _upper(value):
    return None if value is None else str(value).upper()


def register_unicode_upper(sender, connection, **kwargs) -> None:
    """connection_created's receiver: give a new SQLite connection UNICODE_UPPER."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, _upper, deterministic=True)


def contains_folded(field: str, text: str) -> Q:
    """Rows whose `field` contains `text`, in any case and any alphabet."""
    return Q(Contains(UnicodeUpper(field), text.upper()))
