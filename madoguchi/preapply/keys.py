"""The office's pre-application keys, where the settings say they are.

- ``PREAPPLY_PUBLIC_KEY_FILE``: the one file the public side needs (it seals codes).
- ``PREAPPLY_PRIVATE_KEY_DIR``: the office side's key pairs (it opens codes), made and rotated by
  ``manage.py preapply_keys``.

For a pilot or demo (``config.settings.local``) ``PREAPPLY_CREATE_MISSING_KEYS`` makes a key pair on
first use, as the development secret is made; an office never does, since a public server that made
its own pair would seal codes the office cannot open.
"""

import logging
import threading

from django.conf import settings
from django.utils import timezone

from . import keyring

logger = logging.getLogger(__name__)
_creating = threading.Lock()


def _create_missing_pair() -> None:
    with _creating:
        if keyring.current_pair(keyring.read_pairs(settings.PREAPPLY_PRIVATE_KEY_DIR)) is None:
            pair = keyring.create(settings.PREAPPLY_PRIVATE_KEY_DIR, settings.PREAPPLY_PUBLIC_KEY_FILE,
                                  now=timezone.now())
            logger.warning("pre-application: made a development key pair %s in %s", pair.kid,
                           settings.PREAPPLY_PRIVATE_KEY_DIR)
        else:  # the pair is there but its public file is not: write it again
            pair = keyring.current_pair(keyring.read_pairs(settings.PREAPPLY_PRIVATE_KEY_DIR))
            keyring.write_public_key(settings.PREAPPLY_PUBLIC_KEY_FILE, pair.public_key)


def public_key() -> bytes:
    """The public key codes are sealed to. ``keyring.KeyFileError`` when there is none."""
    try:
        return keyring.read_public_key(settings.PREAPPLY_PUBLIC_KEY_FILE)
    except keyring.KeyFileError:
        if not settings.PREAPPLY_CREATE_MISSING_KEYS or settings.PREAPPLY_PUBLIC_KEY_FILE.exists():
            raise
    _create_missing_pair()
    return keyring.read_public_key(settings.PREAPPLY_PUBLIC_KEY_FILE)


def private_keys() -> dict[str, bytes]:
    """``{key id: private key}`` of every pair the office holds (current and retired)."""
    pairs = keyring.read_pairs(settings.PREAPPLY_PRIVATE_KEY_DIR)
    if not pairs and settings.PREAPPLY_CREATE_MISSING_KEYS:
        _create_missing_pair()
        pairs = keyring.read_pairs(settings.PREAPPLY_PRIVATE_KEY_DIR)
    return keyring.private_keys(pairs)
