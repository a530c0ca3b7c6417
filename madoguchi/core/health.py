"""Readiness: may a load balancer send this process requests? (``/readyz``; ``/healthz`` only says it runs.)

Ready means the database answers and every migration the code knows is applied. A process started
before ``migrate`` finished, or pointed at a database restored from an older backup, is alive but
not ready: it would fail on the first query of a missing column.
"""

from django.db import DatabaseError
from django.db import connection as default_connection
from django.db.migrations.executor import MigrationExecutor

# Migrations applied once stay applied while this code runs (a new migration comes with new code,
# i.e. a restart), so after the first good answer only the database's reachability is checked again.
_migrations_checked: set[str] = set()


def readiness_problems(connection=None, *, recheck_migrations: bool = False) -> list[str]:
    """What keeps the process from serving, in words for the operator; empty when ready.

    Never the connection's settings (host, user, password): the answer goes to whoever asks.
    ``recheck_migrations``: look at the migrations again even if they were all applied before (after
    a restore replaced the database under this process)."""
    connection = connection or default_connection
    if recheck_migrations:
        _migrations_checked.discard(connection.alias)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        connection.close()  # the next probe reconnects instead of reusing a broken connection
        return [f"database unreachable ({type(error).__name__})"]
    if connection.alias in _migrations_checked:
        return []
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return [f"migration state unreadable ({type(error).__name__})"]
    if plan:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _backwards in plan)
        return [f"{len(plan)} unapplied migration(s): {names}"]
    _migrations_checked.add(connection.alias)
    return []
