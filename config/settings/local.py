"""`make run`: a pilot or demo on one machine. Serves both zones (office and public) in one process."""

import os
import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR


def _development_secret() -> str:
    """A secret generated once into var/, so sessions survive restarts without a secret in git."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _development_secret()
# Pre-application codes: a development key pair under var/preapply_keys/ on first use (an office runs preapply_keys).
PREAPPLY_CREATE_MISSING_KEYS = True
