"""The Japanese fonts embedded in every PDF (forms, receipts, charts), found inside pip packages
(no system font, no CDN).

- Main: IPAex Gothic (``ipaexg.ttf``, IPA Font License), shipped by japanize-matplotlib. It has
  髙 (U+9AD9) and 﨑 (U+FA11) but not 𠮷 (U+20BB7) nor most of CJK Extension B.
- Fallback: Sarasa Mono SC (``sarasa-mono-sc-regular.ttf``, SIL OFL 1.1), shipped by impaper. A
  TrueType (glyf) font built from Source Han Sans, with Extension B (𠮷 included). Only characters the
  main font lacks are set in it. (Noto CJK is CFF-flavoured OpenType, which ReportLab cannot
  embed; the pip-shipped variable TrueType Noto Sans JP defaults to its Thin master.)

Both files are located with ``importlib.util.find_spec`` so matplotlib is never imported.

ReportLab 5.1 writes a broken ToUnicode entry for characters outside the BMP (``<20BB7>``, odd
hex), so 𠮷 would print but not survive text extraction, copy-paste or a screen reader. We replace
that one function with one that writes UTF-16BE (``<D842DFB7>``), as the PDF specification asks.

Variation selectors (IVS, e.g. 葛󠄀) are dropped for printing: neither font maps them, and the
base character is what a form without IVS support shows. A character neither font has is
reported by ``unprintable_characters`` (the renderer refuses rather than print a wrong name).
"""

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts

MAIN_FONT = "IPAexGothic"
FALLBACK_FONT = "SarasaMonoSC"
_FONT_FILES = {
    MAIN_FONT: ("japanize_matplotlib", "fonts/ipaexg.ttf"),
    FALLBACK_FONT: ("impaper", "res/sarasa-mono-sc-regular.ttf"),
}


class FontMissing(RuntimeError):
    pass


def _is_variation_selector(ch: str) -> bool:
    code = ord(ch)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def printable_text(text: str) -> str:
    """``text`` without variation selectors, as it will be printed."""
    return "".join(ch for ch in text if not _is_variation_selector(ch))


def font_path(font_name: str) -> Path:
    """The TTF file of ``font_name`` inside its package, found without importing the package."""
    package, relative = _FONT_FILES[font_name]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FontMissing(f"font {font_name}: the pip package {package!r} is not installed (see requirements.lock)")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise FontMissing(f"font {font_name}: {path} is missing from the package {package!r}")
    return path


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, with each destination as UTF-16BE hex (surrogate pairs beyond the BMP)."""
    entries = [f"<{index:02X}> <{chr(code).encode('utf-16-be').hex().upper()}>" for index, code in enumerate(subset)]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar",
        *entries, "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


@dataclass(frozen=True)
class FontSet:
    main: ttfonts.TTFont
    fallback: ttfonts.TTFont

    def font_for(self, ch: str) -> str | None:
        code = ord(ch)
        if code in self.main.face.charToGlyph:
            return MAIN_FONT
        if code in self.fallback.face.charToGlyph:
            return FALLBACK_FONT
        return None

    def runs(self, text: str) -> list[tuple[str, str]]:
        """``text`` (printable form) cut into (font name, text) runs. Unprintable characters are
        left out: check ``unprintable`` first."""
        runs: list[tuple[str, str]] = []
        for ch in printable_text(text):
            font = self.font_for(ch)
            if font is None:
                continue
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + ch)
            else:
                runs.append((font, ch))
        return runs

    def unprintable(self, text: str) -> list[str]:
        """Characters of ``text`` that neither font has, each once, in order."""
        out: list[str] = []
        for ch in printable_text(text):
            if ch not in out and self.font_for(ch) is None and ch not in "\n\r\t":
                out.append(ch)
        return out

    def width(self, text: str, size: float) -> float:
        """The width in points of ``text`` at ``size``."""
        return sum(pdfmetrics.stringWidth(run, font, size) for font, run in self.runs(text))


@functools.cache
def fonts() -> FontSet:
    """Register the two fonts with ReportLab once per process and return them."""
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # see the module docstring: non-BMP ToUnicode fix
    registered = {}
    for name in (MAIN_FONT, FALLBACK_FONT):
        font = ttfonts.TTFont(name, str(font_path(name)))
        pdfmetrics.registerFont(font)
        registered[name] = font
    return FontSet(main=registered[MAIN_FONT], fallback=registered[FALLBACK_FONT])


def unprintable_characters(text: str) -> list[str]:
    """Characters no embedded font can print (for a warning at identity capture)."""
    return fonts().unprintable(text)
