"""Shared fixtures: the office's keys in a temporary directory, and a resident's move-in pre-application."""

from datetime import UTC, datetime

import pytest

from madoguchi.preapply import keyring

# A move-in with National Health Insurance (juki.idou and nhi.idou), as the counter's tests use it.
MOVE_PROCEDURES = ["juki.move_in", "nhi.enroll"]
RESIDENT = {
    "name": "髙﨑　𠮷太郎", "name_kana": "たかさき　よしたろう", "birth_date": "S52.4.1", "sex": 1,
    "postal_code": "1738501", "address": "埼玉県和光市広沢1番5号",
}
HOUSEHOLD = [
    {"name": "髙﨑　𠮷太郎", "name_kana": "タカサキ　ヨシタロウ", "birth_date": "S52.4.1", "sex": 1,
     "relationship": "世帯主"},
    {"name": "髙﨑　花子", "name_kana": "タカサキ　ハナコ", "birth_date": "1980-02-03", "sex": 2, "relationship": "妻"},
]
MOVE_ANSWERS = {
    "move_kind": "転入", "moved_on": "R7.11.20", "new_address": "東京都板橋区高島平一丁目2番3号",
    "nhi_kind": "資格取得（加入）", "nhi_changed_on": "2025-11-20", "nhi_reason": "転入", "phone": "03-3964-1111",
}


@pytest.fixture
def office_keys(settings, tmp_path):
    """The office's key pair in a temporary directory; the settings point there."""
    settings.PREAPPLY_PRIVATE_KEY_DIR = tmp_path / "keys"
    settings.PREAPPLY_PUBLIC_KEY_FILE = tmp_path / "public" / "public.key"
    settings.PREAPPLY_CREATE_MISSING_KEYS = False
    return keyring.create(settings.PREAPPLY_PRIVATE_KEY_DIR, settings.PREAPPLY_PUBLIC_KEY_FILE,
                          now=datetime.now(UTC))


@pytest.fixture
def foreign_pair():
    """Another office's key pair."""
    return keyring.generate(now=datetime.now(UTC))
