#!/usr/bin/env python3
"""Fill translations into the .po catalogues from a small YAML file, after `make translations`.

    .venv/bin/python scripts/po_fill.py var/new_strings.yaml

The YAML maps each English msgid to its translations; a plural entry gives the one Japanese form:

    "Ticket %(ticket)s registered.":
      ja: 受付番号 %(ticket)s を登録しました。
      ja_Easy: ばんごう %(ticket)s を うけつけ しました。   # optional: without it, the ja text shows
    "Added %(count)d procedure.":          # a plural entry: msgid, then the plural msgid after |
      plural: "Added %(count)d procedures."
      ja: 手続を%(count)d件追加しました。
      ne: ["%(count)d कार्यविधि थपियो।", "%(count)d कार्यविधिहरू थपिए।"]   # two forms: [one, other]

Keys are the locale directories: ja, ja_Easy, en, zh_Hans, ko, vi, ne.

Only entries that exist in the catalogue are filled (run makemessages first); a msgid the catalogue
lacks is reported, so a typo does not pass silently. Existing translations are overwritten.
"""

import re
import sys
from pathlib import Path

import yaml

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _unquote_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        body = line.strip()[1:-1]
        out += re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(m.group(1), m.group(0)),
                      body)
    return out


def _field(block: list[str], keyword: str) -> tuple[int, int] | None:
    """(first, end) line indexes of ``keyword`` and its continuation lines in ``block``."""
    for index, line in enumerate(block):
        if line.startswith(keyword + " "):
            end = index + 1
            while end < len(block) and block[end].startswith('"'):
                end += 1
            return index, end
    return None


def _unfuzzy(line: str) -> str:
    """Drop msgmerge's guess marker (and the previous msgid it guessed from) once a translation is given."""
    if not line.startswith("#,"):
        return line
    flags = [flag.strip() for flag in line[2:].split(",") if flag.strip() and flag.strip() != "fuzzy"]
    return "#, " + ", ".join(flags) if flags else "#,"


def fill(po: Path, wanted: dict[str, dict], language: str) -> list[str]:
    blocks = po.read_text(encoding="utf-8").split("\n\n")
    seen = set()
    for number, text in enumerate(blocks):
        block = text.split("\n")
        span = _field(block, "msgid")
        if span is None:
            continue
        first, end = span
        msgid = _unquote_lines([block[first][len("msgid "):], *block[first + 1:end]])
        if msgid not in wanted:
            continue
        entry = wanted[msgid]
        value = entry.get(language)  # no easy wording: the page falls back to the Japanese
        if value is None:
            seen.add(msgid)
            continue
        plural = _field(block, "msgid_plural")
        forms = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        if plural:
            # A language with two plural forms (Nepali, English) gives [one, other]; one form serves all.
            for index in range(len(forms), 6):
                if _field(block, f"msgstr[{index}]") is not None:
                    forms.append(forms[-1])
            targets = [(f"msgstr[{i}]", _field(block, f"msgstr[{i}]")) for i in range(len(forms))]
        else:
            targets = [("msgstr", _field(block, "msgstr"))]
        if any(target is None for _, target in targets):
            continue
        for (keyword, target), form in sorted(zip(targets, forms, strict=False), key=lambda t: -t[0][1][0]):
            block[target[0]:target[1]] = [f"{keyword} {_quote(form)}"]
        block = [_unfuzzy(line) for line in block if not line.startswith("#|")]
        block = [line for line in block if line != "#,"]
        blocks[number] = "\n".join(block)
        seen.add(msgid)
    # What msgmerge guessed and nobody confirmed is not a translation: empty it, so the test lists it
    # as untranslated (Japanese) or the page falls back to Japanese (やさしい日本語).
    for number, text in enumerate(blocks):
        block = text.split("\n")
        if not any(line.startswith("#,") and "fuzzy" in line for line in block):
            continue
        span = _field(block, "msgid")
        if span is None or _unquote_lines([block[span[0]][len("msgid "):], *block[span[0] + 1:span[1]]]) == "":
            continue  # the header: a new catalogue's is marked fuzzy until its fields are filled in, never emptied
        for keyword in ("msgstr", "msgstr[0]"):
            target = _field(block, keyword)
            if target is not None:
                block[target[0]:target[1]] = [f'{keyword} ""']
        block = [_unfuzzy(line) for line in block if not line.startswith("#|")]
        blocks[number] = "\n".join(line for line in block if line != "#,")
    po.write_text("\n\n".join(blocks), encoding="utf-8")
    return sorted(set(wanted) - seen)


def main() -> int:
    wanted = yaml.safe_load(Path(sys.argv[1]).read_text(encoding="utf-8")) or {}
    missing = set()
    # Only the catalogues the file gives a translation for are written (translators of different
    # languages may fill theirs at the same time).
    languages = {key for entry in wanted.values() for key in entry if key != "plural"}
    for language in sorted(languages):
        po = LOCALE / language / "LC_MESSAGES" / "django.po"
        if not po.exists():
            print(f"no catalogue for {language!r}: {po}", file=sys.stderr)
            return 1
        missing |= set(fill(po, {k: v for k, v in wanted.items() if language in v}, language))
    for msgid in sorted(missing):
        print(f"not in the catalogue (run `make translations` first?): {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
