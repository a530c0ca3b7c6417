"""One way to say that input or a request is refused: ``DomainError``.

A domain error names the field at fault (``procedures``, ``household[1].birth_date``, ``""`` for
the whole input) and carries a gettext message with named placeholders, translated when it is
shown — in the clerk's, the resident's or the API caller's language — never when it is raised:

    raise DomainError(_("Desk %(desk)d at %(counter)s is closed."), field="desk", desk=2, counter="転入")

Several problems at once (a form with three bad fields) are collected into one error:

    raise DomainError.collect([DomainError(_("Required."), field="name"), ...])

It is a Django ``ValidationError`` (always keyed by field), so forms show each message next to
its field (``add_to_form``), the API answers 422 with ``{"message", "field", "errors"}``, and the
existing ``except ValidationError`` paths keep working. Subclasses say *why* a request is refused
when that changes the HTTP answer: ``ConflictError`` (409: someone else acted first, or the state
does not allow it now).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError

WHOLE_INPUT = ""


class DomainError(ValidationError):
    """A refusal naming its field(s); the messages are translated when shown."""

    def __init__(self, message=None, code: str | None = None, params: dict | None = None, *,
                 field: str = WHOLE_INPUT, **named):
        # ``code`` and ``params`` stay positional as Django's own (copying an error rebuilds it from
        # its args); placeholders come as keywords: ``DomainError(_("… %(desk)d …"), desk=2)``.
        if isinstance(message, dict):  # collect() and copies pass the dict form
            super().__init__(message)
            return
        params = {**(params or {}), **named} or None
        super().__init__({field: [ValidationError(message, code=code, params=params)]})

    @classmethod
    def collect(cls, errors: Iterable[ValidationError]) -> "DomainError":
        """One error holding every problem of ``errors`` (each keeps its field)."""
        merged: dict[str, list[ValidationError]] = {}
        for error in errors:
            for field, items in _by_field(error).items():
                merged.setdefault(field, []).extend(items)
        return cls(merged)

    def at(self, field: str) -> "DomainError":
        """The same problems reported at ``field`` (a date error becomes ``household[1].birth_date``'s)."""
        return type(self)({field: [item for items in _by_field(self).values() for item in items]})

    @property
    def fields(self) -> list[str]:
        return list(self.error_dict)

    def as_dict(self) -> dict[str, str]:
        """``{field: first message}``, translated now (a form's or an API body's view of it)."""
        return {field: messages[0] for field, messages in self.message_dict.items()}

    def first(self) -> tuple[str, str]:
        """(field, message) of the first problem, translated now."""
        field, messages = next(iter(self.message_dict.items()))
        return field, messages[0]

    def text(self) -> str:
        """Every message, translated now, for a flash message or a log line."""
        return " ".join(message for messages in self.message_dict.values() for message in messages)

    def __str__(self) -> str:
        return self.text()


class ConflictError(DomainError):
    """The state does not allow this now (someone else acted first, or too early): HTTP 409."""


def _by_field(error: ValidationError) -> dict[str, list[ValidationError]]:
    if hasattr(error, "error_dict"):
        return {field: list(items) for field, items in error.error_dict.items()}
    return {WHOLE_INPUT: list(error.error_list)}


def add_to_form(form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    for field, items in _by_field(error).items():
        form.add_error(field if field in form.fields else None, items)


def error_text(error: ValidationError) -> str:
    """Every message of ``error`` as one line (translated now)."""
    return " ".join(error.messages)
