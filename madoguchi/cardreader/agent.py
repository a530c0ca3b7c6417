"""What the agent does, apart from HTTP: status and reading, as plain data. No PIN is kept."""

from madoguchi.cardreader.card.errors import CardError
from madoguchi.cardreader.card.reader import CardSession
from madoguchi.prefill.wareki import WarekiError, format_wareki

from .sources import CardSource


def card_status(source: CardSource) -> dict:
    """``{"reader", "reader_name", "card", "tries_left", "locked"}``; uses no PIN try."""
    state = source.state()
    out = {"reader": state.reader, "reader_name": state.reader_name, "card": state.card,
           "tries_left": None, "locked": False}
    if not state.card:
        return out
    try:
        with source.connect() as transport:
            pin = CardSession(transport).pin_status()
    except CardError as error:
        return {**out, "error": error.code, "message": str(error)}
    return {**out, "tries_left": pin.tries_left, "locked": pin.locked}


def read_facts(source: CardSource, pin: str) -> dict:
    """The four basic facts as JSON-ready data. Raises ``CardError`` (its ``code`` says which)."""
    with source.connect() as transport:
        facts = CardSession(transport).read_basic_facts(pin)
    try:
        wareki = format_wareki(facts.birth_date)
    except WarekiError:
        wareki = ""
    return {
        "source": "card",
        "name": facts.name,
        "address": facts.address,
        "birth_date": facts.birth_date.isoformat(),
        "birth_date_wareki": wareki,
        "sex": facts.sex,
    }
