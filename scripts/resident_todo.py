#!/usr/bin/env python3
"""What a resident language still lacks: the resident pages' messages and the catalogue's texts.

    .venv/bin/python scripts/resident_todo.py zh_Hans      # or ko, vi, ne

Writes var/i18n/todo-<locale>.yaml with two parts, each entry carrying the Japanese (and English, and
easy Japanese) to translate from:

    messages:   fill with scripts/po_fill.py (msgid: {<locale>: translation}; plural: [one, other] in ne)
    catalogue:  add to catalog/translations/<code>.yaml (Japanese text: translation)

Exits 1 while anything is missing (the completeness test asks the same).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402
import yaml  # noqa: E402

django.setup()

from django.utils.translation import to_language  # noqa: E402

from madoguchi.catalog import translations  # noqa: E402
from madoguchi.core.tests.resident_messages import resident_msgids  # noqa: E402
from madoguchi.core.tests.test_translations import EN_PO, JA_PO, LOCALE, messages, read_po  # noqa: E402


def todo(locale: str) -> dict:
    code = to_language(locale)
    wanted = resident_msgids()
    ja = {(e.msgctxt, e.msgid): e for e in messages(read_po(JA_PO))}
    en = {(e.msgctxt, e.msgid): e for e in messages(read_po(EN_PO))}
    own = {(e.msgctxt, e.msgid): e for e in messages(read_po(LOCALE / locale / "LC_MESSAGES" / "django.po"))}
    missing_messages = {}
    for key in sorted(wanted, key=lambda k: (k[1], k[0] or "")):
        entry = own.get(key)
        if entry is not None and entry.msgstr and all(entry.msgstr.values()) and "fuzzy" not in entry.flags:
            continue
        source = ja.get(key)
        item = {"ja": source.msgstr.get(0, "") if source else ""}
        if key[0]:
            item["context"] = key[0]
        if source is not None and source.msgid_plural:
            item["plural"] = source.msgid_plural
        english = en.get(key)
        if english is not None and english.msgstr.get(0):
            item["en"] = english.msgstr[0]
        missing_messages[key[1]] = item
    translations.reload()
    have = translations.table(code)
    missing_catalogue = {}
    for ja_text, en_text, easy, path in translations.catalogue_texts():
        if ja_text and ja_text not in have and ja_text not in missing_catalogue:
            missing_catalogue[ja_text] = {"en": en_text, "easy": easy, "file": path.name}
    return {"messages": missing_messages, "catalogue": missing_catalogue}


def main() -> int:
    locale = sys.argv[1] if len(sys.argv) > 1 else "zh_Hans"
    found = todo(locale)
    out = ROOT / "var" / "i18n" / f"todo-{locale}.yaml"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(found, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    print(f"{out}: {len(found['messages'])} messages, {len(found['catalogue'])} catalogue texts missing")
    return 1 if found["messages"] or found["catalogue"] else 0


if __name__ == "__main__":
    sys.exit(main())
