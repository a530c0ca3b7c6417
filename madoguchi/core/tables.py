"""A table shown on a page and exported as CSV or XLSX with the same rows (「表はすべてCSV・Excelで」).

A view builds ``Table`` objects; ``core/_table.html`` renders one with its export links, and
``export_or_none(request, tables, name)`` answers ``?export=<key>&format=csv|xlsx`` with the file.
What the page shows is what the file holds: a hidden figure ("—") stays hidden in the export.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Column:
    label: str | Promise
    numeric: bool = False


@dataclass(frozen=True)
class Link:
    text: object
    href: str

    def __str__(self) -> str:
        return str(self.text)


@dataclass
class Table:
    key: str
    caption: str | Promise
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    empty: str | Promise = ""
    export_query: str = ""  # set by ``with_export_links``

    def export_url(self, fmt: str) -> str:
        return f"?{self.export_query}{'&' if self.export_query else ''}{urlencode({'export': self.key, 'format': fmt})}"

    @property
    def body(self) -> list[list[tuple[object, bool]]]:
        """The rows as (value, numeric) pairs, for the template."""
        flags = [column.numeric for column in self.columns]
        return [list(zip(row, flags, strict=True)) for row in self.rows]

    @property
    def csv_url(self) -> str:
        return self.export_url("csv")

    @property
    def xlsx_url(self) -> str:
        return self.export_url("xlsx")


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, Link):
        return _plain(value.text)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal | date):
        return value
    return str(value)


def _text(value) -> str:
    value = _plain(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def as_csv(table: Table) -> bytes:
    """UTF-8 with a BOM: the Japanese spreadsheet programs then open it without garbling."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow([_text(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.key[:31]
    sheet.append([str(column.label) for column in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        values = []
        for value in row:
            plain = _plain(value)
            if isinstance(plain, datetime):
                plain = timezone.localtime(plain).replace(tzinfo=None) if timezone.is_aware(plain) else plain
            values.append(plain)
        sheet.append(values)
    for index, column in enumerate(table.columns, start=1):
        width = max([len(str(column.label))] + [len(_text(row[index - 1])) for row in table.rows[:200]]) + 2
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(width * 1.6, 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_export_links(request, tables: list[Table]) -> list[Table]:
    """Give every table links to its own export, keeping the page's filters."""
    query = request.GET.copy()
    for name in ("export", "format"):
        query.pop(name, None)
    for table in tables:
        table.export_query = query.urlencode()
    return tables


def export_or_none(request, tables: list[Table], name: str) -> HttpResponse | None:
    """The file asked for by ``?export=<table key>&format=csv|xlsx``, or None to render the page."""
    key, fmt = request.GET.get("export"), request.GET.get("format", "csv")
    if not key:
        return None
    table = next((t for t in tables if t.key == key), None)
    if table is None or fmt not in FORMATS:
        return HttpResponse("unknown table or format", status=404, content_type="text/plain")
    body = as_csv(table) if fmt == "csv" else as_xlsx(table)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{table.key}-{stamp}.{fmt}"'
    return response
