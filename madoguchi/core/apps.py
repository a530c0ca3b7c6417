import os
from pathlib import Path

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _owner_only(sender, connection, **kwargs):
    """An SQLite database holds personal data: its file (and the WAL beside it) readable by the app's
    user only, whatever the umask was when SQLite created it."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for path in (Path(name), Path(name + "-wal"), Path(name + "-shm")):
        try:
            if path.exists() and (path.stat().st_mode & 0o077):
                os.chmod(path, 0o600)
        except OSError:  # not ours to change (a read-only mount): the deployment's business
            pass


class CoreConfig(AppConfig):
    name = "madoguchi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        connection_created.connect(_owner_only, dispatch_uid="madoguchi.core.sqlite_owner_only")
