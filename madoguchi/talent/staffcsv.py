"""The HR system's staff list as CSV (``manage.py import_staff FILE.csv``). Pure: no Django.

One header line, then one employee per line::

    employee_number,name,section,grade,email
    100234,山田 花子,戸籍住民課,主任,yamada-hanako@example.lg.jp

The Japanese headers 職員番号, 氏名, 所属, 職層 (or 職級), メールアドレス are read the same way; the file
may be UTF-8 (with or without BOM) or Shift_JIS (cp932), as HR systems write it. ``parse_staff_csv``
returns every row or raises ``StaffCsvInvalid`` listing each problem as ``file:line: column: message``,
the column named as the file's header writes it. No database; the messages are translated (HR reads
them on the import page in Japanese).
"""

import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from madoguchi.catalog.yamlsource import Problem
from madoguchi.core.mynumber import contains_individual_number

COLUMNS = ("employee_number", "name", "section", "grade", "email")
HEADER_ALIASES = {
    "職員番号": "employee_number", "氏名": "name", "所属": "section", "職層": "grade", "職級": "grade",
    "メールアドレス": "email", "メール": "email", "e-mail": "email", "mail": "email",
}
REQUIRED = ("employee_number", "name", "section", "grade")
EMPLOYEE_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,20}$")
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
MAX_LENGTH = {"name": 100, "section": 100, "email": 254}


@dataclass(frozen=True)
class StaffRow:
    line: int
    employee_number: str
    name: str
    section: str
    grade: str  # the grade's code
    email: str


class StaffCsvInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def decode(data: bytes, filename: str) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StaffCsvInvalid([Problem(filename, None, "", _("neither UTF-8 nor Shift_JIS text"))])


def _header(cells: list[str]) -> list[str]:
    return [HEADER_ALIASES.get(cell.strip(), cell.strip().lower()) for cell in cells]


def parse_staff_csv(text: str, filename: str, *, grades: dict[str, str]) -> list[StaffRow]:
    """Every employee of the file. ``grades`` maps each name a grade may be written with (code,
    Japanese name, aliases) to its code."""
    reader = csv.reader(io.StringIO(text))
    problems: list[Problem] = []
    try:
        written = [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise StaffCsvInvalid([Problem(filename, 1, "", _("the file is empty"))]) from None
    header = _header(written)
    label = dict(zip(header, written, strict=True))  # a problem names the column as the file does
    missing = [column for column in REQUIRED if column not in header]
    unknown = [written[i] for i, column in enumerate(header) if column not in COLUMNS]
    if missing or unknown:
        if missing:
            problems.append(Problem(filename, 1, "", _("missing column(s): %(columns)s") % {
                "columns": ", ".join(missing)}))
        if unknown:
            problems.append(Problem(filename, 1, "", _("unknown column(s): %(columns)s (known: %(known)s)") % {
                "columns": ", ".join(unknown), "known": ", ".join(COLUMNS)}))
        raise StaffCsvInvalid(problems)
    rows: list[StaffRow] = []
    first_line: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(Problem(filename, line, "", _("%(found)d columns instead of %(expected)d") % {
                "found": len(cells), "expected": len(header)}))
            continue
        values = {column: cell.strip() for column, cell in zip(header, cells, strict=True)}
        row_problems = _check(values, grades)
        for column, message in row_problems:
            problems.append(Problem(filename, line, label.get(column, column), message))
        number = values["employee_number"]
        if number in first_line:
            problems.append(Problem(filename, line, label["employee_number"],
                                    _("employee number %(number)s is also on line %(line)d") % {
                                        "number": number, "line": first_line[number]}))
            continue
        first_line.setdefault(number, line)
        if not row_problems:
            rows.append(StaffRow(line=line, employee_number=number, name=values["name"], section=values["section"],
                                 grade=grades[values["grade"]], email=values.get("email", "")))
    if problems:
        raise StaffCsvInvalid(problems)
    return rows


def _check(values: dict[str, str], grades: dict[str, str]) -> list[tuple[str, str]]:
    problems = []
    for column, value in values.items():
        if contains_individual_number(value):
            # Never echo the digits: the message would carry the number into a log.
            problems.append((column, _("looks like a 12-digit individual number, which may not be imported")))
    if problems:
        return problems
    for column in REQUIRED:
        if not values.get(column):
            problems.append((column, _("required")))
    number = values.get("employee_number", "")
    if number and not EMPLOYEE_NUMBER.match(number):
        problems.append(("employee_number", _("%(value)s is not an employee number (letters, digits, '-'; 1–20)") % {
            "value": number}))
    for column, limit in MAX_LENGTH.items():
        if len(values.get(column, "")) > limit:
            problems.append((column, _("longer than %(limit)d characters") % {"limit": limit}))
    grade = values.get("grade", "")
    if grade and grade not in grades:
        problems.append(("grade", _("unknown grade %(grade)s (known: %(known)s)") % {
            "grade": grade, "known": ", ".join(sorted(set(grades)))}))
    email = values.get("email", "")
    if email and not EMAIL.match(email):
        problems.append(("email", _("%(value)s is not an e-mail address") % {"value": email}))
    return problems
