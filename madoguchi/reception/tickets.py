"""A ticket as the visitor types it on the public "my ticket" page. Pure: no Django.

The route sheet prints a short confirmation code (確認コード) beside the ticket number. The two
together open the visitor's status page from any phone, without the QR code. The code is derived from
the visit's secret status token (a one-way hash: the code tells nothing about the token), so nothing
more is stored; four digits are easy to read aloud and type, and the lookup is rate-limited per
client and per ticket, so guessing the code of somebody else's ticket is hopeless.
"""

import hashlib
import re
import unicodedata

CHECK_CODE_DIGITS = 4
_TICKET = re.compile(r"^([A-Z]{1,2})0*(\d{1,6})$")


def check_code(status_token: str) -> str:
    """The confirmation code printed on the route sheet of the visit with ``status_token``."""
    digest = hashlib.sha256(f"madoguchi-check-code:{status_token}".encode()).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10 ** CHECK_CODE_DIGITS:0{CHECK_CODE_DIGITS}d}"


def _folded(text: str) -> str:
    # Full-width letters and digits (Ａ－０２３), any dash or space a phone keyboard produces.
    folded = unicodedata.normalize("NFKC", text or "").upper()
    folded = re.sub(r"[\s\u2010-\u2015\u2212\u30fc\uff70_.]", "-", folded)
    return re.sub(r"-+", "-", folded).strip("-")


def parse_ticket_number(text: str) -> tuple[str, int] | None:
    """("A", 23) for "A-023", "a23", "Ａ－０２３" or "A 23"; None when it is no ticket number."""
    match = _TICKET.match(_folded(text).replace("-", ""))
    if not match:
        return None
    number = int(match.group(2))
    return (match.group(1), number) if number > 0 else None


def normalise_check_code(text: str) -> str:
    """The digits of what was typed as the code (full-width digits and spaces allowed)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "") if ch.isdigit())
