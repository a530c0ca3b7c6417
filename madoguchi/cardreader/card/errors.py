"""What can stop a card reading. Each error carries a bilingual message and a stable ``code``."""


class CardError(Exception):
    """A card answer that stops the reading. ``str()`` is "日本語／English"; ``code`` is stable for APIs."""

    code = "card_error"

    def __init__(self, ja: str, en: str, *, tries_left: int | None = None):
        super().__init__(f"{ja}／{en}")
        self.ja = ja
        self.en = en
        self.tries_left = tries_left


class WrongPin(CardError):
    code = "wrong_pin"


class PinLocked(CardError):
    code = "pin_locked"


class InvalidPin(CardError):
    """The PIN was refused before it reached the card (so no try was used)."""

    code = "invalid_pin"


class NotACardTextApplet(CardError):
    code = "not_my_number_card"


class SecurityStatusNotSatisfied(CardError):
    code = "pin_not_verified"


class CardDataMalformed(CardError):
    code = "card_data_malformed"


class CardCommunicationError(CardError):
    """The card or reader went away (removed mid-read, reader unplugged) or answered nonsense."""

    code = "card_communication_error"


class CardRemoved(CardCommunicationError):
    """The transport lost the card while talking to it."""

    code = "card_removed"


class CardAbsent(CardError):
    code = "card_absent"


class ReaderAbsent(CardError):
    code = "reader_absent"
