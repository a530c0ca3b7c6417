"""The translation catalogues: Japanese first, complete, and faithful to every placeholder.

The .po files are read with a small parser below (no polib: one reader of ~40 lines is not worth a
dependency). The compiled .mo files are built by `make messages` (run by `make test`); the tests
that go through Django's gettext need them.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
JA_PO = LOCALE / "ja" / "LC_MESSAGES" / "django.po"
EASY_PO = LOCALE / "ja_Easy" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
COMPILE_HINT = "are the catalogues compiled? run `make messages`"

# printf-style conversions as Python's % operator reads them: %(name)s, %(minutes)d, %s, %.1f …
PRINTF = re.compile(r"%(?:\((?P<name>\w+)\))?[#0\- +]*(?:\d+|\*)?(?:\.\d+)?(?P<type>[diouxXeEfFgGcrsa%])")
BRACE = re.compile(r"(?<!\{)\{(\w*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


@dataclass
class Entry:
    line: int
    comments: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # a singular entry's msgstr is msgstr[0]

    @property
    def flags(self) -> set[str]:
        return {flag.strip() for c in self.comments if c.startswith("#,") for flag in c[2:].split(",")}

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), body)


def read_po(path: Path) -> list[Entry]:
    """Every entry of a .po file, the header (msgid "") first; obsolete (#~) entries are left out."""
    entries, current, target = [], None, None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        keyword = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        starts_entry = line.startswith("#") or (keyword and keyword.group(1) in ("msgctxt", "msgid"))
        if starts_entry and (current is None or current.msgstr):
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#"):
            current.comments.append(line)
        elif keyword:
            name, index, value = keyword.group(1), keyword.group(2), _unquote(keyword.group(3))
            if name.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                current.msgstr[target[1]] = value
            else:
                target = (name, None)
                setattr(current, name, value)
        elif line.startswith('"'):
            value = _unquote(line)
            if target[0] == "msgstr":
                current.msgstr[target[1]] += value
            else:
                setattr(current, target[0], getattr(current, target[0]) + value)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    return entries


def header(entries: list[Entry]) -> dict[str, str]:
    assert entries and entries[0].msgid == "", "the header must come first"
    return dict(line.split(": ", 1) for line in entries[0].msgstr[0].splitlines() if line)


def messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.msgid != ""]


def placeholders(text: str, entry: Entry) -> list[str]:
    found = []
    if "python-format" in entry.flags or re.search(r"%\(\w+\)", entry.msgid):
        found += sorted(m.group(0) for m in PRINTF.finditer(text) if m.group("type") != "%")
    if "python-brace-format" in entry.flags:
        found += sorted(f"{{{name}}}" for name in BRACE.findall(text))
    return found


def placeholder_errors(entries: list[Entry], *, nplurals: int) -> list[str]:
    """A translation must use exactly the placeholders of its source. In a language with one plural
    form, that form is used for every count: it must take the plural msgid's placeholders."""
    errors = []
    for entry in messages(entries):
        if not any(entry.msgstr.values()):
            continue  # untranslated: the source text shows, placeholders and all
        for index, translated in sorted(entry.msgstr.items()):
            if entry.msgid_plural is None or (index > 0 or nplurals == 1):
                source = entry.msgid_plural if entry.msgid_plural is not None else entry.msgid
            else:
                source = entry.msgid
            if placeholders(translated, entry) != placeholders(source, entry):
                errors.append(f"{entry} msgstr[{index}] {translated!r}: {placeholders(translated, entry)} "
                              f"instead of {placeholders(source, entry)}")
    return errors


@pytest.fixture(scope="module")
def ja():
    return read_po(JA_PO)


@pytest.fixture(scope="module")
def easy():
    return read_po(EASY_PO)


def test_the_reader_reads_plural_and_multi_line_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: ja\\n"\n\n#: a.py:1\n#, python-format\nmsgid ""\n'
                  '"%(n)s desk "\n"open"\nmsgid_plural "%(n)s desks open"\nmsgstr[0] "開設中の席 %(n)s"\n',
                  encoding="utf-8")

    entries = read_po(po)

    assert header(entries) == {"Language": "ja"}
    assert (entries[1].msgid, entries[1].msgid_plural, entries[1].msgstr) == (
        "%(n)s desk open", "%(n)s desks open", {0: "開設中の席 %(n)s"})
    assert entries[1].flags == {"python-format"}


def test_the_placeholder_check_catches_a_lost_or_renamed_placeholder(tmp_path):
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr ""\n\n#, python-format\nmsgid "Called %(ticket)s."\nmsgstr "呼び出しました。"\n\n'
                  '#, python-format\nmsgid "Counter %(number)s"\nmsgstr "%(counter)s番窓口"\n\n'
                  '#, python-format\nmsgid "%(minutes)d min"\nmsgstr "%(minutes)s分"\n',
                  encoding="utf-8")

    assert len(placeholder_errors(read_po(po), nplurals=1)) == 3


def test_every_japanese_message_is_translated_and_none_is_fuzzy(ja):
    untranslated = [str(e) for e in messages(ja) if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [str(e) for e in ja if "fuzzy" in e.flags]

    assert not untranslated, f"untranslated in {JA_PO}: {untranslated}"
    assert not fuzzy, f"fuzzy (a guess by msgmerge, not a translation) in {JA_PO}: {fuzzy}"


def test_no_easy_japanese_or_english_message_is_fuzzy(easy):
    for entries, path in ((easy, EASY_PO), (read_po(EN_PO), EN_PO)):
        assert not [str(e) for e in entries if "fuzzy" in e.flags], f"fuzzy entries in {path}"


@pytest.mark.parametrize(("path", "language"), [(JA_PO, "ja"), (EASY_PO, "ja_Easy")])
def test_japanese_catalogues_have_one_plural_form(path, language):
    entries = read_po(path)

    assert header(entries).get("Language") == language
    assert header(entries).get("Plural-Forms") == "nplurals=1; plural=0;"
    assert [str(e) for e in messages(entries) if e.msgid_plural is not None and set(e.msgstr) != {0}] == []


def test_the_english_catalogue_has_a_valid_header():
    entries = read_po(EN_PO)

    assert header(entries).get("Language") == "en"
    assert header(entries).get("Plural-Forms") == "nplurals=2; plural=(n != 1);"
    assert header(entries).get("Content-Type") == "text/plain; charset=UTF-8"


def test_translations_keep_every_placeholder_of_their_source(ja, easy):
    assert placeholder_errors(ja, nplurals=1) == []
    assert placeholder_errors(easy, nplurals=1) == []


def _gettext(entry: Entry) -> str:
    if entry.msgid_plural is not None:
        if entry.msgctxt is not None:
            return translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
        return translation.ngettext(entry.msgid, entry.msgid_plural, 2)
    if entry.msgctxt is not None:
        return translation.pgettext(entry.msgctxt, entry.msgid)
    return translation.gettext(entry.msgid)


def test_the_compiled_japanese_catalogue_matches_the_po_file(ja):
    with translation.override("ja"):
        stale = [str(e) for e in messages(ja) if _gettext(e) != e.msgstr[0]]

    assert not stale, f"{COMPILE_HINT}; these differ from the .po: {stale[:5]}"


def test_easy_japanese_falls_back_to_japanese_where_it_has_no_easier_wording(ja, easy):
    japanese = {(e.msgctxt, e.msgid): e.msgstr[0] for e in messages(ja)}
    easy_messages = messages(easy)

    with translation.override("ja-easy"):
        shown = {(e.msgctxt, e.msgid): _gettext(e) for e in easy_messages}

    assert any(e.msgstr.get(0) for e in easy_messages), "no message has an easy-Japanese wording"
    wrong = [str(e) for e in easy_messages
             if shown[(e.msgctxt, e.msgid)] != (e.msgstr.get(0) or japanese[(e.msgctxt, e.msgid)])]
    assert not wrong, f"{COMPILE_HINT}; wrong under ja-easy: {wrong[:5]}"


@pytest.mark.django_db
def test_the_login_page_is_japanese_by_default():
    content = Client().get("/staff/login/").content.decode()

    assert '<html lang="ja">' in content
    assert "職員ログイン" in content, COMPILE_HINT
    assert "Staff login" not in content


@pytest.mark.django_db
def test_the_login_page_is_english_with_the_language_cookie():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    content = client.get("/staff/login/").content.decode()

    assert '<html lang="en">' in content
    assert "Staff login" in content
    assert "職員ログイン" not in content
