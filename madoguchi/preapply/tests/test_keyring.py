"""Key pairs on disk, their rotation, and ``manage.py preapply_keys``."""

import stat
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from madoguchi.preapply import keyring, keys, sealed

NOW = datetime(2025, 11, 26, 1, 0, tzinfo=UTC)
MAX_AGE = timedelta(days=14)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_created_pair_is_private_to_its_owner_and_the_public_file_holds_the_public_key(tmp_path):
    pair = keyring.create(tmp_path / "keys", tmp_path / "public.key", now=NOW)
    private_file = tmp_path / "keys" / f"{pair.kid}.private"
    assert mode(private_file) == 0o600 and mode(tmp_path / "keys") == 0o700
    assert keyring.read_public_key(tmp_path / "public.key") == pair.public_key
    assert [p.kid for p in keyring.read_pairs(tmp_path / "keys")] == [pair.kid]
    assert pair.private_key.hex() not in repr(pair) and "private" not in repr(pair)


def test_creating_again_is_refused_while_a_pair_is_current(tmp_path):
    keyring.create(tmp_path / "keys", tmp_path / "public.key", now=NOW)
    with pytest.raises(keyring.KeyFileError):
        keyring.create(tmp_path / "keys", tmp_path / "public.key", now=NOW)


def test_after_rotation_old_codes_open_until_they_expire_and_new_codes_use_the_new_key(tmp_path):
    old = keyring.create(tmp_path / "keys", tmp_path / "public.key", now=NOW)
    old_code = sealed.seal({"a": 1}, public_key=keyring.read_public_key(tmp_path / "public.key"), created_at=NOW)
    new, retired = keyring.rotate(tmp_path / "keys", tmp_path / "public.key", now=NOW + timedelta(days=1))
    assert [p.kid for p in retired] == [old.kid] and new.kid != old.kid
    assert keyring.read_public_key(tmp_path / "public.key") == new.public_key
    private_keys = keyring.private_keys(keyring.read_pairs(tmp_path / "keys"))
    assert sealed.unseal(old_code, private_keys=private_keys, now=NOW + timedelta(days=13), max_age=MAX_AGE).content \
        == {"a": 1}
    with pytest.raises(sealed.CodeRefused) as expired:
        sealed.unseal(old_code, private_keys=private_keys, now=NOW + timedelta(days=15), max_age=MAX_AGE)
    assert expired.value.reason == sealed.Reason.EXPIRED
    assert keyring.current_pair(keyring.read_pairs(tmp_path / "keys")).kid == new.kid


def test_pruning_deletes_only_pairs_retired_longer_than_codes_live(tmp_path):
    old = keyring.create(tmp_path / "keys", tmp_path / "public.key", now=NOW)
    new, _ = keyring.rotate(tmp_path / "keys", tmp_path / "public.key", now=NOW)
    assert keyring.prune(tmp_path / "keys", now=NOW + timedelta(days=10), keep_for=MAX_AGE) == []
    removed = keyring.prune(tmp_path / "keys", now=NOW + timedelta(days=15), keep_for=MAX_AGE)
    assert [p.kid for p in removed] == [old.kid]
    assert [p.kid for p in keyring.read_pairs(tmp_path / "keys")] == [new.kid]


def test_a_damaged_key_file_is_named_without_its_content(tmp_path):
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "ABCDEFGH.private").write_text('{"kid": "ABCDEFGH", "private_key": "secret!!"}')
    with pytest.raises(keyring.KeyFileError) as error:
        keyring.read_pairs(tmp_path / "keys")
    assert "ABCDEFGH.private" in str(error.value) and "secret" not in str(error.value)


def test_the_command_creates_rotates_and_prunes(settings, tmp_path):
    settings.PREAPPLY_PRIVATE_KEY_DIR = tmp_path / "keys"
    settings.PREAPPLY_PUBLIC_KEY_FILE = tmp_path / "public.key"
    out = StringIO()
    call_command("preapply_keys", stdout=out)
    first = keyring.current_pair(keyring.read_pairs(tmp_path / "keys"))
    assert f"created key pair {first.kid}" in out.getvalue()
    call_command("preapply_keys", stdout=StringIO())  # again: nothing changes
    assert [p.kid for p in keyring.read_pairs(tmp_path / "keys")] == [first.kid]
    out = StringIO()
    call_command("preapply_keys", "--rotate", stdout=out)
    pairs = keyring.read_pairs(tmp_path / "keys")
    assert len(pairs) == 2 and pairs[0].retired_at is not None and f"retired {first.kid}" in out.getvalue()
    out = StringIO()
    call_command("preapply_keys", "--prune", stdout=out)
    assert "deleted 0" in out.getvalue()  # retired just now: codes sealed to it are still valid


def test_the_command_reports_a_damaged_directory(settings, tmp_path):
    settings.PREAPPLY_PRIVATE_KEY_DIR = tmp_path / "keys"
    settings.PREAPPLY_PUBLIC_KEY_FILE = tmp_path / "public.key"
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "XXXXXXXX.private").write_text("not json")
    with pytest.raises(CommandError):
        call_command("preapply_keys", stdout=StringIO())


def test_a_pilot_makes_its_development_pair_on_first_use(settings, tmp_path):
    settings.PREAPPLY_PRIVATE_KEY_DIR = tmp_path / "keys"
    settings.PREAPPLY_PUBLIC_KEY_FILE = tmp_path / "keys" / "public.key"
    settings.PREAPPLY_CREATE_MISSING_KEYS = True
    public = keys.public_key()
    assert list(keys.private_keys()) == [sealed.key_id(public)]
    assert keys.public_key() == public  # made once


def test_an_office_without_keys_does_not_make_any(settings, tmp_path):
    settings.PREAPPLY_PRIVATE_KEY_DIR = tmp_path / "keys"
    settings.PREAPPLY_PUBLIC_KEY_FILE = tmp_path / "keys" / "public.key"
    settings.PREAPPLY_CREATE_MISSING_KEYS = False
    with pytest.raises(keyring.KeyFileError):
        keys.public_key()
    assert keys.private_keys() == {}
    assert not (tmp_path / "keys").exists()
