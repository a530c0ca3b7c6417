"""Every figure the insights show is a ``Table``: rendered on the page, exported as CSV or XLSX, set
in the monthly PDF and given as a chart's text alternative. Values stay numbers (minutes, shares as
fractions); the page, the PDF and the spreadsheet format them, the CSV keeps them plain."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

KINDS = ("text", "int", "minutes", "share", "change", "points", "date", "ci", "ci_points", "number")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # see KINDS; "ci" is a (low, high) pair of relative differences


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    note: str = ""

    def cells(self, row: dict) -> list[tuple[Column, object]]:
        return [(column, row.get(column.key)) for column in self.columns]


def display(value, kind: str) -> str:
    """A value as the page and the PDF show it."""
    if value is None or value == "":
        return "—"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "minutes" or kind == "number":
        return f"{value:,.1f}"
    if kind == "share":
        return f"{100 * value:.1f}%"
    if kind == "change":
        return f"{100 * value:+.1f}%"
    if kind == "points":
        return _("%(points)s pt") % {"points": f"{100 * value:+.1f}"}
    if kind in ("ci", "ci_points"):
        low, high = value
        if kind == "ci":
            return f"{100 * low:+.1f}% 〜 {100 * high:+.1f}%"
        return f"{100 * low:+.1f} 〜 {100 * high:+.1f} pt"
    if kind == "date":
        return date_format(value, "SHORT_DATE_FORMAT") if isinstance(value, date) else str(value)
    return str(value)


def _plain(value, kind: str):
    """A value as the CSV gives it: numbers plain, shares as fractions, intervals as two columns."""
    if value is None:
        return ""
    if kind == "date" and isinstance(value, date):
        return value.isoformat()
    if kind in ("minutes", "number", "share", "change", "points"):
        return round(float(value), 4)
    return value


def _flat_columns(table: Table) -> list[tuple[str, str, str, int | None]]:
    """(header, key, kind, index) with each interval split into its low and high ends."""
    out = []
    low, high = _("low"), _("high")
    for column in table.columns:
        if column.kind in ("ci", "ci_points"):
            out.append((f"{column.label} ({low})", column.key, column.kind, 0))
            out.append((f"{column.label} ({high})", column.key, column.kind, 1))
        else:
            out.append((column.label, column.key, column.kind, None))
    return out


def _value(row: dict, key: str, kind: str, index: int | None):
    value = row.get(key)
    if index is not None:
        return "" if value is None else round(float(value[index]), 4)
    return _plain(value, kind)


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so a spreadsheet on a ward PC opens the Japanese headers right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = _flat_columns(table)
    writer.writerow([header for header, *_rest in columns])
    for row in table.rows:
        writer.writerow([_value(row, key, kind, index) for _header, key, kind, index in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


XLSX_FORMATS = {"int": "#,##0", "minutes": "#,##0.0", "number": "#,##0.0", "share": "0.0%", "change": "+0.0%;-0.0%",
                "points": "+0.0%;-0.0%", "ci": "+0.0%;-0.0%", "ci_points": "+0.0%;-0.0%", "date": "yyyy-mm-dd"}


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """One worksheet per table, its title in the first row, numbers as numbers with their formats."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(title=_sheet_name(table, book.sheetnames))
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        columns = _flat_columns(table)
        sheet.append([header for header, *_rest in columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_value(row, key, kind, index) if kind != "date" else row.get(key)
                          for _header, key, kind, index in columns])
        for index, (_header, _key, kind, _i) in enumerate(columns, start=1):
            if kind in XLSX_FORMATS:
                for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                    cell.number_format = XLSX_FORMATS[kind]
            sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = \
                max(10, min(40, len(str(sheet.cell(row=2, column=index).value)) * 2))
        if table.note:
            sheet.append([])
            sheet.append([table.note])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_name(table: Table, taken: list[str]) -> str:
    name = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:28] or table.key[:28]
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name[:25]}({number})", number + 1
    return candidate
