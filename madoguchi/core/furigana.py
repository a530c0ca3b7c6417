"""Furigana (振り仮名) on the やさしい日本語 pages, for the kanji they keep.

Easy Japanese keeps a few kanji (階, 番, 円 …) and falls back to ordinary Japanese where a phrase has
no easier wording yet; a reader of easy Japanese gets the reading above each word with kanji, as a
``<ruby>`` element (the browser draws it above; ``<rp>`` gives （） where ruby is not drawn).

Readings come from pykakasi's dictionary (offline, pure Python). Only the text between tags is
touched: never attributes, and not what cannot hold markup or is read as typed (title, option,
textarea, script, style, code). A text that already gives its reading — 世帯主（せたいぬし） — is left
as written.
"""

import functools
import re

KANJI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff々〆]")
_SKIP = ("title", "option", "textarea", "script", "style", "code", "rt", "rp", "ruby", "svg")
_TOKEN = re.compile(r"(<[^>]*>)", re.S)
_KANA = re.compile(r"[\u3041-\u309f]")
_ENTITY = re.compile(r"(&#?\w+;)")
_GIVEN = re.compile(r"^[（(][\u3041-\u309f\u30a0-\u30ff ]+[）)]")


@functools.cache
def _kakasi():
    import pykakasi

    return pykakasi.kakasi()


def _ruby(word: str, reading: str) -> str:
    """``word`` with ``reading`` above its kanji part; the kana it ends with (送り仮名) stays plain."""
    tail = ""
    while word and reading and word[-1] == reading[-1] and _KANA.match(word[-1]):
        tail = word[-1] + tail
        word, reading = word[:-1], reading[:-1]
    head = ""
    while word and reading and word[0] == reading[0] and _KANA.match(word[0]):
        head += word[0]
        word, reading = word[1:], reading[1:]
    if not word or not reading or not KANJI.search(word):
        return head + word + tail
    return f"{head}<ruby>{word}<rp>（</rp><rt>{reading}</rt><rp>）</rp></ruby>{tail}"


def annotate_text(text: str) -> str:
    """A run of text (HTML-escaped as it stands in the page) with ruby over its words with kanji."""
    if not KANJI.search(text):
        return text
    # Character references (&amp; …) stay as they are: the words between them are annotated one by one.
    return "".join(piece if _ENTITY.fullmatch(piece) else _annotate_plain(piece) for piece in _ENTITY.split(text))


def _annotate_plain(text: str) -> str:
    if not KANJI.search(text):
        return text
    parts, rest = [], text
    for item in _kakasi().convert(text):
        original, reading = item["orig"], item["hira"]
        position = rest.find(original)
        if position < 0:  # the dictionary changed the text: leave the rest as it is
            parts.append(rest)
            return "".join(parts)
        parts.append(rest[:position])
        rest = rest[position + len(original):]
        if KANJI.search(original) and not _GIVEN.match(rest.lstrip()):
            if original == "人" and not re.search(r"\d\s*$", "".join(parts)):
                reading = "ひと"  # a person; after a number it is a count (3人 = さんにん)
            parts.append(_ruby(original, reading))
        else:
            parts.append(original)
    parts.append(rest)
    return "".join(parts)


def annotate_html(html: str) -> str:
    """The page with ruby on the text inside ``<body>`` (whole documents) or everywhere (a fragment)."""
    start = 0
    body = re.search(r"<body[^>]*>", html)
    if body:
        start = body.end()
    out, skipping = [html[:start]], []
    for piece in _TOKEN.split(html[start:]):
        if piece.startswith("<"):
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", piece)
            tag = name.group(1).lower() if name else ""
            if tag in _SKIP and not piece.endswith("/>"):
                if piece.startswith("</"):
                    if skipping and skipping[-1] == tag:
                        skipping.pop()
                else:
                    skipping.append(tag)
            out.append(piece)
        elif skipping or not piece.strip():
            out.append(piece)
        else:
            out.append(annotate_text(piece))
    return "".join(out)
