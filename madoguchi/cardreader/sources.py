"""Where the card is: a PC/SC reader, or the simulated card. Both hand out a ``Transport``."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Protocol

from madoguchi.cardreader.card.errors import CardAbsent
from madoguchi.cardreader.card.reader import Transport
from madoguchi.cardreader.card.simulator import SimulatedCard


@dataclass(frozen=True)
class ReaderState:
    reader: bool
    reader_name: str | None
    card: bool


class CardSource(Protocol):
    def state(self) -> ReaderState:
        """Is a reader there, and a card on it? Touches no card."""
        ...

    def connect(self) -> AbstractContextManager[Transport]:
        """A connection to the card for one reading (power-on reset on the way in, power-off on
        the way out). Raises ``ReaderAbsent`` or ``CardAbsent``."""
        ...


class SimulatorSource:
    """The simulated card on a simulated reader. The card keeps its tries across connections."""

    name = "madoguchi simulated reader"

    def __init__(self, card: SimulatedCard | None = None):
        self.card = card or SimulatedCard()

    def state(self) -> ReaderState:
        return ReaderState(reader=True, reader_name=self.name, card=self.card.present)

    @contextmanager
    def connect(self) -> Iterator[Transport]:
        if not self.card.present:
            raise CardAbsent("カードが置かれていません", "no card on the reader")
        self.card.reset()
        try:
            yield self.card
        finally:
            self.card.reset()  # like a power-off: a verified PIN does not outlive the reading
