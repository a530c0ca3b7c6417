"""Paper-form layouts (申請書の様式): where each value sits on an A4 page. Pure: no Django.

(What the clerk or the resident answers for these forms, and the check of an answer, are in
``answers``; this module is the layout and its validation.)

The ward's forms live in ``catalog/forms/*.yaml`` (a subfolder, so the main catalogue loader,
which reads ``catalog/*.yaml``, does not see them). Each file holds a ``forms:`` list; a form names
the procedures it serves, its page, and what it draws:

- ``fields``: a value from a *source*, at (x, y) mm from the page's top-left corner (y is the top
  of the text), with a font size, an optional max ``width`` (mm) and ``fit: shrink`` (smaller
  type down to ``min_size``) or ``fit: wrap`` (up to ``lines`` lines). With ``options`` every
  option is printed across ``width`` and the chosen one is circled, as paper forms do.
- ``boxes`` (optionally a shaded label cell of ``label_width`` mm on the left), ``lines``,
- ``household_table``: a grid with one row per household member,
- ``signature``: the resident's signature box (required: the resident signs every form).

Sources: ``identity.{name,name_kana,birth_date,address,postal_code,sex}``,
``household[i].{name,name_kana,birth_date,sex,relationship}``, ``visit.{date,ticket_number}``,
``answers.<key>`` (with ``label``, ``required``, ``kind``: text/date/choice) and ``text`` (fixed).
Dates print in 和暦.

``parse_forms`` refuses unknown sources and procedure codes, overlaps of the page edge and
contradicting answer definitions, reporting file:line:field like the catalogue does.
"""

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from madoguchi.catalog.schema import CODE_PATTERN, CatalogInvalid
from madoguchi.catalog.yamlsource import Located, Problem, dotted, read_yaml_directory

PAGE_SIZES_MM = {"A4": (210.0, 297.0)}

# The person at the counter (the card's four facts, kana). Their address is never printed as such: a
# field says which address it means (``address.*``), because on a move the card shows the old one.
IDENTITY_FIELDS = ("name", "name_kana", "birth_date", "sex")
MEMBER_FIELDS = ("name", "name_kana", "birth_date", "sex", "relationship")
VISIT_FIELDS = ("date", "ticket_number")
# before_move: where the resident lived before this visit's move (the card's address); after_move: where
# they move to (the new address in the ward, or the destination when leaving); now: the address the
# ward records for them once this visit is done (after_move for a move in or within, the card's
# address otherwise). Each with its postal code (``_postal_code``).
ADDRESS_MEANINGS = ("before_move", "after_move", "now")
MAX_HOUSEHOLD_INDEX = 19
ANSWER_KEY = r"[a-z][a-z0-9_]{0,39}"

SOURCE_PATTERN = re.compile(
    rf"^(?:identity\.(?:{'|'.join(IDENTITY_FIELDS)})"
    rf"|address\.(?:{'|'.join(ADDRESS_MEANINGS)})(?:_postal_code)?"
    rf"|household\[(?:1?[0-9])\]\.(?:{'|'.join(MEMBER_FIELDS)})"
    rf"|visit\.(?:{'|'.join(VISIT_FIELDS)})"
    rf"|answers\.{ANSWER_KEY}"
    r"|text)$"
)

Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN, max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Mm = Annotated[float, Field(ge=0, le=420)]
Size = Annotated[float, Field(ge=4, le=40)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PageSpec(_Strict):
    size: Literal["A4"] = "A4"
    orientation: Literal["portrait", "landscape"] = "portrait"

    @property
    def size_mm(self) -> tuple[float, float]:
        width, height = PAGE_SIZES_MM[self.size]
        return (width, height) if self.orientation == "portrait" else (height, width)


class FieldSpec(_Strict):
    source: str
    x: Mm
    y: Mm
    size: Size = 10.5
    width: Annotated[float, Field(gt=0, le=420)] | None = None
    fit: Literal["shrink", "wrap"] = "shrink"
    lines: int = Field(default=2, ge=1, le=8)
    min_size: Size = 6
    align: Literal["left", "center", "right"] = "left"
    text: str | None = None  # the fixed text of source "text"
    options: list[Text] | None = None  # print every option across width, circle the chosen one
    # answers.* only: what the clerk is asked
    label: Text | None = None
    required: bool = False
    kind: Literal["text", "date", "choice"] = "text"
    choices: list[Text] | None = None
    # What the visit already knows of this answer, so nobody asks again (the clerk may still change it):
    # the value for a procedure of the visit, for its life event, or the event's date (kind date).
    known_from_procedures: dict[Code, Text] = {}
    known_from_events: dict[Code, Text] = {}
    known_from_event_date: bool = False

    @field_validator("source")
    @classmethod
    def _known_source(cls, source: str) -> str:
        if source in ("identity.address", "identity.postal_code"):
            raise ValueError(f"{source!r} does not say which address: use address.<{'|'.join(ADDRESS_MEANINGS)}> "
                             f"(or its _postal_code): on a move the card shows the address before the move")
        if not SOURCE_PATTERN.match(source):
            raise ValueError(f"unknown source {source!r} (known: identity.<{'|'.join(IDENTITY_FIELDS)}>, "
                             f"address.<{'|'.join(ADDRESS_MEANINGS)}>[_postal_code], "
                             f"household[i].<{'|'.join(MEMBER_FIELDS)}>, visit.<{'|'.join(VISIT_FIELDS)}>, "
                             f"answers.<key>, text)")
        return source

    @model_validator(mode="after")
    def _consistent(self) -> "FieldSpec":
        is_answer = self.source.startswith("answers.")
        if self.source == "text" and not self.text:
            raise ValueError("source 'text' needs text")
        if self.source != "text" and self.text is not None:
            raise ValueError("only source 'text' takes text")
        if is_answer and not self.label:
            raise ValueError("an answers.* field needs a label (what the clerk asks)")
        if not is_answer and (self.label or self.required or self.kind != "text" or self.choices
                              or self.known_from_procedures or self.known_from_events or self.known_from_event_date):
            raise ValueError("label, required, kind, choices and known_from_* belong to answers.* fields")
        for value in [*self.known_from_procedures.values(), *self.known_from_events.values()]:
            if self.kind == "choice" and value not in (self.choices or []):
                raise ValueError(f"known value {value!r} is not one of the choices")
        if self.known_from_event_date and self.kind != "date":
            raise ValueError("known_from_event_date needs kind 'date'")
        if self.kind == "choice" and not self.choices:
            raise ValueError("kind 'choice' needs choices")
        if self.choices and self.kind != "choice":
            raise ValueError("choices need kind 'choice'")
        if self.options is not None and self.width is None:
            raise ValueError("options need a width to spread them over")
        if self.min_size > self.size:
            raise ValueError("min_size is larger than size")
        return self

    @property
    def answer_key(self) -> str | None:
        return self.source.removeprefix("answers.") if self.source.startswith("answers.") else None


class BoxSpec(_Strict):
    x: Mm
    y: Mm
    width: Annotated[float, Field(gt=0, le=420)]
    height: Annotated[float, Field(gt=0, le=420)]
    label: str = ""
    label_width: Annotated[float, Field(gt=0, le=200)] | None = None  # a shaded label cell on the left
    label_size: Size = 8
    line_width: Annotated[float, Field(ge=0.1, le=3)] = 0.6
    shade: bool = False

    @model_validator(mode="after")
    def _label_cell_fits(self) -> "BoxSpec":
        if self.label_width is not None and self.label_width >= self.width:
            raise ValueError("label_width must be narrower than the box")
        return self


class LineSpec(_Strict):
    x1: Mm
    y1: Mm
    x2: Mm
    y2: Mm
    width: Annotated[float, Field(ge=0.1, le=3)] = 0.6
    dashed: bool = False


class ColumnSpec(_Strict):
    source: Literal["name", "name_kana", "birth_date", "sex", "relationship"]
    label: Text
    width: Annotated[float, Field(gt=0, le=200)]
    size: Size = 9.5


class HouseholdTableSpec(_Strict):
    x: Mm
    y: Mm
    rows: int = Field(ge=1, le=MAX_HOUSEHOLD_INDEX + 1)
    row_height: Annotated[float, Field(ge=4, le=40)] = 9
    header_height: Annotated[float, Field(ge=4, le=20)] = 6
    label: str = ""  # a caption cell on the left of the whole table
    # which members the table lists: all of them, or the children of 児童手当 age (up to the
    # March 31 after their 18th birthday, on the visit date)
    select: Literal["all", "children"] = "all"
    # The person at the counter is one of the people the table lists (異動する人, 加入する人), first,
    # unless the visit says they are not (answers.applicant_listed == "no") or already lists them.
    with_applicant: bool = False
    label_width: Annotated[float, Field(gt=0, le=60)] | None = None
    columns: list[ColumnSpec] = Field(min_length=1)

    @property
    def width(self) -> float:
        return (self.label_width or 0) + sum(c.width for c in self.columns)

    @property
    def height(self) -> float:
        return self.header_height + self.rows * self.row_height


class SignatureSpec(_Strict):
    x: Mm
    y: Mm
    width: Annotated[float, Field(ge=30, le=200)]
    height: Annotated[float, Field(ge=8, le=60)]
    label: Text = "署名"
    note: str = "ご本人が自署してください"


class FormSpec(_Strict):
    code: Code
    title_ja: Text
    title_en: str = ""
    procedures: list[Code] = Field(min_length=1)
    page: PageSpec = PageSpec()
    fields: list[FieldSpec] = []
    boxes: list[BoxSpec] = []
    lines: list[LineSpec] = []
    household_table: HouseholdTableSpec | None = None
    signature: SignatureSpec


class FormsInvalid(CatalogInvalid):
    """Every problem of the form definitions (file, line, field, message)."""


def _problem(source: Located, path: tuple, message: str) -> Problem:
    return Problem(source.file, source.line_of(path), dotted(path), message)


def _read_forms(source: Located, problems: list[Problem]) -> list[tuple[FormSpec, tuple]]:
    data = source.data
    if data is None:
        return []
    if not isinstance(data, dict) or set(data) != {"forms"}:
        problems.append(_problem(source, (), "a forms file is a mapping with one key, forms: [...]"))
        return []
    if not isinstance(data["forms"], list):
        problems.append(_problem(source, ("forms",), "must be a list"))
        return []
    out = []
    for index, raw in enumerate(data["forms"]):
        path = ("forms", index)
        try:
            out.append((FormSpec.model_validate(raw), path))
        except ValidationError as error:
            for err in error.errors():
                loc = tuple(err["loc"])
                message = err["msg"].removeprefix("Value error, ")
                problems.append(_problem(source, (*path, *loc), message))
    return out


def _check_bounds(form: FormSpec, source: Located, path: tuple, problems: list[Problem]) -> None:
    page_width, page_height = form.page.size_mm

    def outside(kind: str, index: int | None, right: float, bottom: float) -> None:
        where = (*path, kind) if index is None else (*path, kind, index)
        if right > page_width or bottom > page_height:
            problems.append(_problem(source, where, f"reaches past the {page_width:g}×{page_height:g} mm page "
                                                    f"(right {right:g}, bottom {bottom:g})"))

    for i, f in enumerate(form.fields):
        outside("fields", i, f.x + (f.width or 0), f.y + f.size * 0.3528)
    for i, b in enumerate(form.boxes):
        outside("boxes", i, b.x + b.width, b.y + b.height)
    for i, line in enumerate(form.lines):
        outside("lines", i, max(line.x1, line.x2), max(line.y1, line.y2))
    if form.household_table:
        t = form.household_table
        outside("household_table", None, t.x + t.width, t.y + t.height)
    s = form.signature
    outside("signature", None, s.x + s.width, s.y + s.height)


def _question(f: FieldSpec) -> tuple:
    """What an answers.* field asks (a key asked twice must ask the same)."""
    return (f.label, f.kind, f.choices, f.required, f.known_from_procedures, f.known_from_events,
            f.known_from_event_date)


def _check_answers(form: FormSpec, source: Located, path: tuple, problems: list[Problem]) -> None:
    seen: dict[str, FieldSpec] = {}
    for i, f in enumerate(form.fields):
        key = f.answer_key
        if key is None:
            continue
        first = seen.setdefault(key, f)
        if _question(first) != _question(f):
            problems.append(_problem(source, (*path, "fields", i), f"answers.{key} is defined twice with different "
                                                                  f"label, kind, choices, required or known_from_*"))


def parse_forms(sources: list[Located], *, procedure_codes: Iterable[str]) -> list[FormSpec]:
    """Check every form of ``sources``; raise ``FormsInvalid`` listing each problem."""
    known = set(procedure_codes)
    problems: list[Problem] = []
    forms: list[FormSpec] = []
    first_place: dict[str, str] = {}
    for source in sources:
        for form, path in _read_forms(source, problems):
            place = f"{source.file}:{source.line_of((*path, 'code'))}"
            if form.code in first_place:
                problems.append(_problem(source, (*path, "code"),
                                         f"duplicate form code {form.code!r} (first at {first_place[form.code]})"))
                continue
            first_place[form.code] = place
            for i, code in enumerate(form.procedures):
                if code not in known:
                    problems.append(_problem(source, (*path, "procedures", i), f"unknown procedure {code!r}"))
            for i, field in enumerate(form.fields):
                for code in field.known_from_procedures:
                    if code not in known:
                        problems.append(_problem(source, (*path, "fields", i, "known_from_procedures", code),
                                                 f"unknown procedure {code!r}"))
            _check_bounds(form, source, path, problems)
            _check_answers(form, source, path, problems)
            forms.append(form)
    if problems:
        raise FormsInvalid(problems)
    return forms


def load_forms(directory: Path, *, procedure_codes: Iterable[str]) -> list[FormSpec]:
    """Read and check ``directory/*.yaml`` (the ward's ``catalog/forms``). Raises ``FormsInvalid``."""
    sources, problems = read_yaml_directory(directory)
    if problems:
        raise FormsInvalid(problems)
    return parse_forms(sources, procedure_codes=procedure_codes)



def forms_for_procedures(forms: Sequence[FormSpec], procedure_codes: Sequence[str]) -> list[FormSpec]:
    """The forms a visit needs, once each, in the order of the first procedure each serves."""
    order = {code: i for i, code in reversed(list(enumerate(procedure_codes)))}
    wanted = [f for f in forms if any(code in order for code in f.procedures)]
    return sorted(wanted, key=lambda f: min(order[c] for c in f.procedures if c in order))
