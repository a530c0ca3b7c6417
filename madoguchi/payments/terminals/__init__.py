"""The registry of payment terminal adapters (Open Forms' payments/contrib pattern): each adapter
registers under a name, the ``PAYMENT_TERMINAL`` setting picks one.

    PAYMENT_TERMINAL = {"backend": "simulated", "options": {"path": "var/payment-terminal.sqlite3"}}

Built in: ``simulated`` (development, demos, tests) and ``none`` (cash only). A real terminal is a
``PaymentTerminal`` subclass (see ``base``) registered from its own module, listed in
``PAYMENT_TERMINAL_MODULES`` so it is imported at start-up.
"""

import importlib
from datetime import date

from django.conf import settings

from .base import Outcome, PaymentTerminal, TerminalResult, TerminalTimeout
from .simulated import SimulatedTerminal

__all__ = ["Outcome", "PaymentTerminal", "TerminalResult", "TerminalTimeout", "get_terminal", "register"]

_REGISTRY: dict[str, type[PaymentTerminal]] = {}


def register(name: str):
    """Class decorator: make a ``PaymentTerminal`` subclass available as ``name``."""

    def add(cls: type[PaymentTerminal]) -> type[PaymentTerminal]:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ValueError(f"payment terminal {name!r} is registered twice")
        _REGISTRY[name] = cls
        return cls

    return add


class NoTerminal(PaymentTerminal):
    """No payment terminal at this office: cash only. Cashless methods are not offered."""

    methods = frozenset()

    def charge(self, *, key, terminal_id, amount_yen, method) -> TerminalResult:
        raise TerminalTimeout("no payment terminal is configured")

    def status(self, *, key) -> TerminalResult:
        return TerminalResult(Outcome.NOT_FOUND)

    def cancel(self, *, key) -> TerminalResult:
        return TerminalResult(Outcome.NOT_FOUND)

    def settlement_report(self, *, day: date) -> str:
        return "transaction_id,terminal_id,datetime,method,amount_yen,kind\n"


register("simulated")(SimulatedTerminal)
register("none")(NoTerminal)


def backend_name() -> str:
    return settings.PAYMENT_TERMINAL.get("backend", "none")


def get_terminal() -> PaymentTerminal:
    """The configured terminal adapter (a new instance: adapters keep their state on the device side)."""
    for module in getattr(settings, "PAYMENT_TERMINAL_MODULES", ()):
        importlib.import_module(module)
    name = backend_name()
    if name not in _REGISTRY:
        raise LookupError(f"PAYMENT_TERMINAL backend {name!r} is not registered (known: {', '.join(_REGISTRY)})")
    return _REGISTRY[name](**settings.PAYMENT_TERMINAL.get("options", {}))
