"""The catalogue's texts in the resident languages beyond ja / en / やさしい日本語.

The catalogue YAML writes every text a resident reads in Japanese, English and easy Japanese. Chinese,
Korean, Vietnamese and Nepali come from one file per language, ``<catalogue>/translations/<code>.yaml``,
mapping the Japanese text to its translation (as a .po file maps a message to its translation):

    住民票の写し: 住民票副本
    転入届: 迁入申报

A text with no translation there shows in English. A ward that edits a Japanese text in its
catalogue edits the key too; `make test` lists what is missing (``catalogue_texts``).
"""

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

import yaml

# The languages the catalogue itself writes, and the file-backed ones (Django's language codes).
WRITTEN = ("ja", "en", "ja-easy")
FILE_LANGUAGES = ("zh-hans", "ko", "vi", "ne")
STAFF_ONLY_FILES = ("dx_skills.yaml",)  # the back office's texts: staff read them in ja/en


def _catalog_dir() -> Path:
    from django.conf import settings  # here, not at the top: the navigator's engine imports no Django

    return Path(settings.CATALOG_DIR)


def translations_dir() -> Path:
    return _catalog_dir() / "translations"


@cache
def table(language: str) -> Mapping[str, str]:
    """The language's file: Japanese text → translation (empty when the file is absent)."""
    path = translations_dir() / f"{language}.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k).strip(): str(v).strip() for k, v in data.items() if v}


def reload() -> None:
    """Forget the files read (a test writing its own, or after a ward's edit without a restart)."""
    table.cache_clear()


def text_in(language: str | None, *, ja: str, en: str = "", easy: str = "") -> str:
    """A catalogue text in ``language``: the catalogue's own for ja / en / やさしい日本語 (easy falls back
    to Japanese), the language's file for the others (falling back to English, then Japanese)."""
    language = (language or "ja").lower()
    if language == "ja-easy":
        return easy or ja
    if language.startswith("en"):
        return en or ja
    if language in FILE_LANGUAGES:
        return table(language).get((ja or "").strip()) or en or ja
    return ja


def catalogue_texts(directory: Path | None = None) -> Iterator[tuple[str, str, str, Path]]:
    """(ja, en, easy, file) of every resident-facing text of the catalogue YAML: each mapping with
    ``ja`` and ``en`` texts, and each ``name_ja`` with its ``name_en`` / ``name_easy``."""
    directory = Path(directory or _catalog_dir())
    for path in sorted(directory.rglob("*.yaml")):
        if path.parent.name == "translations" or path.name in STAFF_ONLY_FILES:
            continue
        yield from ((*found, path) for found in _walk(yaml.safe_load(path.read_text(encoding="utf-8"))))


def _walk(node) -> Iterator[tuple[str, str, str]]:
    if isinstance(node, Mapping):
        if isinstance(node.get("ja"), str) and isinstance(node.get("en"), str):
            yield node["ja"].strip(), node["en"], node.get("easy") or node.get("ja-easy") or ""
        if isinstance(node.get("name_ja"), str):
            yield node["name_ja"].strip(), node.get("name_en") or "", node.get("name_easy") or ""
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)
