"""Writing generated rows fast, for the seed's flow data (opinions, suggestions and their steps).

A `BulkTable` turns keyword values into a row tuple in the table's column order, with every column the caller
leaves out filled from the model field's default (so a new field with a default needs no change here), and
`flush` sends them with lvzhi.core.bulk.write (COPY on PostgreSQL). Ids are given by the caller
(`next_id`), so later tables can point at rows not written yet; `reset_sequence` afterwards.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection, models
from django.utils import timezone

from lvzhi.core.bulk import write


class BulkTable:
    """One model's table: column order, default row, and the rows waiting to be written."""

    def __init__(self, model: type[models.Model], *, now: dt.datetime | None = None):
        now = now or timezone.now()
        self.model = model
        self.table = model._meta.db_table
        fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in fields]
        self.index = {f.attname: i for i, f in enumerate(fields)}
        template = []
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.has_default():
                value = now if f.default is timezone.now else f.get_default()
            else:
                value = None
            if isinstance(f, models.JSONField):
                value = json.dumps(value if value is not None else {})
            template.append(value)
        self.template = template
        self.rows: list[tuple] = []

    def add(self, **values) -> None:
        row = list(self.template)
        index = self.index
        for key, value in values.items():
            row[index[key]] = value
        self.rows.append(tuple(row))

    def flush(self) -> int:
        n = len(self.rows)
        if n:
            write(self.table, self.columns, self.rows)
            self.rows = []
        return n


def next_id(model: type[models.Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608
        return cursor.fetchone()[0] + 1


def reset_sequence(*tables: type[models.Model]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's rowid follows the largest id by itself
    with connection.cursor() as cursor:
        for model in tables:
            t = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), GREATEST((SELECT MAX(id) FROM {t}), 1))"  # noqa: S608
            )


def analyze(*tables: type[models.Model]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {model._meta.db_table}")
