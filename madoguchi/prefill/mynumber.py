"""The individual-number refusal moved down to ``madoguchi.core.mynumber`` (every app that accepts
free text calls it, payments included); the names stay importable from here."""

from madoguchi.core.mynumber import (  # noqa: F401
    REFUSAL,
    IndividualNumberRefused,
    contains_individual_number,
    find_individual_numbers,
    is_valid_individual_number,
    refuse_individual_number,
)
