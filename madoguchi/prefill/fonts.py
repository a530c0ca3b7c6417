"""The embedded PDF fonts moved down to ``madoguchi.core.fonts`` (payments prints receipts with them
and may not import prefill); the names stay importable from here."""

from madoguchi.core.fonts import (  # noqa: F401
    FALLBACK_FONT,
    MAIN_FONT,
    FontMissing,
    FontSet,
    _to_unicode_cmap,
    font_path,
    fonts,
    printable_text,
    unprintable_characters,
)
