"""What typed text may hold besides the individual number: no control characters.

A NUL or another C0/C1 control character has no place in a name, a memo or a booking contact; it
breaks PDFs, logs and CSV exports, and is a classic way to smuggle something past a check. Tab and
line breaks are text.
"""

import re

from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTER_REFUSAL = _("This text holds a control character: type it again without it.")
# Unicode's control characters (category Cc) are exactly U+0000–U+001F and U+007F–U+009F (a stable
# property: the category is closed to new characters); tab (09), line feed (0A) and return (0D) are text.
# One regular expression: every request's query string and form pass here (the guard in the middleware),
# and a character-by-character look-up of the category cost a millisecond on a 3,000-character field.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None
