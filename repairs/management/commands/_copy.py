"""Bench rows written with PostgreSQL's COPY (psycopg's `cursor.copy`), for `generate_claims
--fast`: a million claims in minutes, where bulk_create's INSERTs take an hour.

The rows are model instances built in memory as the bulk path builds them; their ids are
taken from each table's sequence up front (`reserve`), so children name their parents
before anything is written. The leading underscore keeps Django from taking this module
for a command.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField


def reserve(model: type[models.Model], count: int) -> int:
    """The first of `count` consecutive ids of `model`'s table, taken from its sequence (one
    round trip, whatever the count)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
            [table, table, count],
        )
        (last,) = cursor.fetchone()
    return last - count + 1


def number[M: models.Model](objs: list[M]) -> list[M]:
    """Give unsaved rows (of one model) their ids; returns them, as bulk_create does."""
    if objs:
        first = reserve(type(objs[0]), len(objs))
        for offset, obj in enumerate(objs):
            obj.pk = first + offset
    return objs


def write(objs: Sequence[models.Model]) -> None:
    """COPY rows of one model, ids given (`number`), every concrete column."""
    if not objs:
        return
    model = type(objs[0])
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    readers = [_reader(field) for field in fields]
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([read(obj) for read in readers])


def _reader(field: models.Field) -> Callable[[models.Model], Any]:
    """How one column's value is read off an instance, as psycopg adapts it for COPY."""
    attname = field.attname
    if isinstance(field, models.JSONField):
        return lambda obj: json.dumps(getattr(obj, attname), ensure_ascii=False)
    if isinstance(field, models.FileField):
        return lambda obj: getattr(obj, attname).name or ""
    if isinstance(field, PhoneNumberField):
        return lambda obj: field.get_prep_value(getattr(obj, attname)) or ""
    if isinstance(field, models.DateTimeField) and not field.null:
        # auto_now columns the bench rows did not date: now, as a save would.
        now = timezone.now()
        return lambda obj: getattr(obj, attname) or now
    return lambda obj: getattr(obj, attname)


def write_all(groups: Iterable[Sequence[models.Model]]) -> None:
    for objs in groups:
        write(objs)


@contextmanager
def indexes_set_aside(*models_: type[models.Model]):
    """Within the block (inside a transaction), the tables of `models_` have none of their
    plain indexes: a bulk load then writes only the rows and the constraints' indexes, and
    each index is built once at the end from sorted data — many times faster than keeping
    two trigram GIN indexes and a dozen b-trees up to date row by row."""
    tables = [model._meta.db_table for model in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = ANY(%s::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        # Django's foreign keys are checked at commit: check them now, or PostgreSQL
        # refuses to build an index on a table with checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in indexes:
            cursor.execute(definition)


def bench_models() -> list[type[models.Model]]:
    """The tables `generate_claims --fast` fills."""
    from django.apps import apps

    names = ["claims.Claim", "claims.StatusEvent", "repairs.RepairOrder", "repairs.IntakeAct"]
    names += ["repairs.Shipment", "repairs.WorkLine", "repairs.QuoteConsent"]
    return [apps.get_model(name) for name in [*names, "repairs.ServiceRating"]]
