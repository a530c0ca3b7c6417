"""What typed text may hold besides the individual number: no control characters.

A NUL or another C0/C1 control character has no place in a name, a memo or a booking contact; it
breaks PDFs, logs and CSV exports, and is a classic way to smuggle something past a check. Tab and
line breaks are text.
"""

import unicodedata

from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTER_REFUSAL = _("This text holds a control character: type it again without it.")
_ALLOWED = frozenset("\t\n\r")


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED for ch in text)
