# The shared cache (rate limits and what is computed once for every process) lives in the database
# unless CACHE_URL names a cache server: its table is made with the schema, so `migrate` is enough.

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Named, whatever this process's own CACHES say (the test settings keep theirs in memory; the
    # servers the tests start use the table).
    call_command("createcachetable", "madoguchi_cache", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
