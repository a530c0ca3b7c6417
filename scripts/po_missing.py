#!/usr/bin/env python3
"""List the Japanese catalogue's untranslated or fuzzy messages (what the translation test would refuse)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from madoguchi.core.tests.test_translations import JA_PO, messages, read_po

missing = [e for e in messages(read_po(JA_PO)) if not e.msgstr or not all(e.msgstr.values()) or "fuzzy" in e.flags]
for entry in missing:
    print(repr(entry.msgid) + (f" | plural {entry.msgid_plural!r}" if entry.msgid_plural else ""))
sys.exit(1 if missing else 0)
