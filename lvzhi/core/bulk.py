"""Writing many plain rows into a table fast: PostgreSQL's COPY, batched inserts elsewhere (SQLite).

Model instances cost too much for hundreds of thousands of rows (the seed's generated records, the
dashboards' summary); the caller gives the table, its columns and row tuples in that order, possibly as a
generator, which is streamed rather than held in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import islice

from django.db import connection

BATCH = 2000


def write(table: str, columns: list[str] | tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Insert `rows` into `table` (within the caller's transaction, if any); returns how many."""
    written = 0
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.connection.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        return written
    ops = connection.ops

    def adapt(v):
        if isinstance(v, dt.datetime):
            return ops.adapt_datetimefield_value(v)
        if isinstance(v, dt.date):
            return ops.adapt_datefield_value(v)
        return v

    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - model tables
    rows = iter(rows)
    with connection.cursor() as cursor:
        while batch := [tuple(adapt(v) for v in row) for row in islice(rows, BATCH)]:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written
