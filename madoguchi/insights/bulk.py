"""Bulk inserts for the insights' writes (history, roll-ups): a year of history is half a million visits
and millions of step events, which the ORM's bulk_create spent minutes building model instances for.

PostgreSQL: ``COPY … FROM STDIN`` (psycopg adapts each value); the ids a caller needs back (Visits,
Steps) are taken from the table's own sequence first, so they are exactly the ids a plain INSERT would
have drawn and nothing else can take them. SQLite: multi-row ``INSERT … VALUES`` statements of up to
30,000 parameters (it allows 32,766), ids back through ``RETURNING`` (SQLite 3.35+ answers in the order of
the VALUES, as Django's bulk_create relies on). Values arrive adapted by the backend (``connection.ops``).
"""

from django.db import connection

MAX_PARAMETERS = 30_000
# PostgreSQL plans from each table's statistics, which autovacuum refreshes only after a commit and a
# pause: a history written in one long run (an import, the demo history, a test) is then read by the
# day's roll-up as if the tables were empty — nested loops over every step event, half a minute a day.
# So the writer refreshes them itself (ANALYZE sees the rows of its own transaction) when one write is at
# least as many rows as the planner believes the table holds (and ANALYZE_AFTER_ROWS): the estimate is
# never off by more than a factor of two, at a handful of ANALYZEs for a year of history.
ANALYZE_AFTER_ROWS = 1_000


def insert(model, columns: list[str], rows: list[tuple], *, returning: bool = False) -> list[int]:
    """Insert ``rows`` (values in ``columns`` order, already adapted) into ``model``'s table; with
    ``returning``, the new primary keys in the order of ``rows``."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _copy(model, columns, rows, returning=returning)
    return _values(model, columns, rows, returning=returning)


def _copy(model, columns: list[str], rows: list[tuple], *, returning: bool) -> list[int]:
    quote = connection.ops.quote_name
    table = model._meta.db_table
    names = [quote(model._meta.get_field(c).column) for c in columns]
    ids: list[int] = []
    with connection.cursor() as cursor:
        if returning:
            pk = model._meta.pk.column
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, pk, len(rows)])
            ids = [row[0] for row in cursor.fetchall()]
            names = [quote(pk), *names]
            rows = [(pk_value, *row) for pk_value, row in zip(ids, rows, strict=True)]
        with cursor.cursor.copy(f"COPY {quote(table)} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        if len(rows) >= ANALYZE_AFTER_ROWS:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [quote(table)])
            if len(rows) >= cursor.fetchone()[0]:
                cursor.execute(f"ANALYZE {quote(table)}")
    return ids


def _values(model, columns: list[str], rows: list[tuple], *, returning: bool) -> list[int]:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = max(1, MAX_PARAMETERS // len(columns))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            sql = f"INSERT INTO {table} ({names}) VALUES " + ", ".join([one] * len(chunk))  # noqa: S608
            params = [value for row in chunk for value in row]
            if returning:
                cursor.execute(sql + " RETURNING " + quote(model._meta.pk.column), params)
                ids.extend(row[0] for row in cursor.fetchall())
            else:
                cursor.execute(sql, params)
    return ids
