"""Japanese era dates moved down to ``madoguchi.core.wareki`` (receipts print their date in 和暦
too); the names stay importable from here."""

from madoguchi.core.wareki import (  # noqa: F401
    ERAS,
    Era,
    WarekiDate,
    WarekiError,
    era_of,
    format_wareki,
    from_wareki,
    parse_date,
    to_wareki,
)
