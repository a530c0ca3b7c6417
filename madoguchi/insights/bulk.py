"""Multi-row ``INSERT … VALUES`` for the insights' bulk writes (history, roll-ups).

The ORM's bulk_create spent most of a year's import building model instances and compiling values one
by one; here the values are adapted once by the database backend (``connection.ops``) and sent in
statements of up to 30,000 parameters (SQLite allows 32,766). New ids come back with ``RETURNING``,
which PostgreSQL and SQLite (3.35+) answer in the order of the VALUES, as Django's bulk_create relies on.
"""

from django.db import connection

MAX_PARAMETERS = 30_000


def insert(model, columns: list[str], rows: list[tuple], *, returning: bool = False) -> list[int]:
    """Insert ``rows`` (values in ``columns`` order, already adapted) into ``model``'s table."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    json_columns = {i for i, c in enumerate(columns) if model._meta.get_field(c).get_internal_type() == "JSONField"}
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    one = "(" + ", ".join(f"%s{cast}" if i in json_columns else "%s" for i in range(len(columns))) + ")"
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
