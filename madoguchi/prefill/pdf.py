"""One PDF with every form of a visit, pre-filled (書かない窓口). ReportLab, fonts embedded.

``render_bundle(forms, identity, household, answers, visit_info) -> bytes`` MUST:

- refuse (``IndividualNumberRefused``) before drawing anything when any value holds a 12-digit
  individual number — the PDF is a place the number may never reach;
- refuse (``AnswersInvalid``) when a required answer is missing, a date answer does not read as a
  date or a choice is not one of its choices;
- refuse (``UnprintableText``) when a character is in neither embedded font, rather than print a
  name that is not the resident's;
- refuse (``TextDoesNotFit``) when a value does not fit its place even at the smallest size;
- print names and addresses exactly as given (rare kanji included), dates in 和暦.

Coordinates in the form definitions are millimetres from the page's top-left corner.
"""

import dataclasses
from collections.abc import Mapping, Sequence
from io import BytesIO

from django.utils.translation import gettext_lazy as _
from reportlab.lib.colors import Color, black
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from madoguchi.core.errors import DomainError
from madoguchi.core.mynumber import refuse_individual_number

from .answers import answer_problems
from .fill import VisitInfo, member_text, members_for, resolve
from .fonts import MAIN_FONT, FontSet, fonts
from .identity import HouseholdMember, Identity
from .layouts import FieldSpec, FormSpec

ASCENT = 0.88  # of the em, IPAex Gothic: from the top of the text to its baseline
PT_TO_MM = 25.4 / 72
GREY = Color(0.35, 0.35, 0.35)
SHADE = Color(0.9, 0.9, 0.9)
CLOSING_PUNCTUATION = "、。，．・ー）」』】〕！？,.)"  # never at the start of a wrapped line


class AnswersInvalid(DomainError):
    """Answers a form needs are missing or unreadable (each at ``answers.<key>``)."""


class UnprintableText(DomainError):
    """A character in neither embedded font (reported at ``forms``, naming the character and the place)."""

    @classmethod
    def of(cls, characters: list[str], places: list[str]) -> "UnprintableText":
        shown = " ".join(f"{ch} (U+{ord(ch):04X})" for ch in characters)
        error = cls(_("No embedded font can print %(characters)s (%(places)s)."), field="forms",
                    characters=shown, places=", ".join(places))
        error.characters, error.places = characters, places
        return error


class TextDoesNotFit(DomainError):
    """A value that does not fit its place on the form even at the smallest type (at ``forms``)."""


def _plain(value: object) -> object:
    return dataclasses.asdict(value) if dataclasses.is_dataclass(value) and not isinstance(value, type) else value


class _Page:
    """Drawing in millimetres from the top-left corner, with the font fallback applied."""

    def __init__(self, canvas: Canvas, font_set: FontSet, height_mm: float):
        self.c, self.fonts, self.height = canvas, font_set, height_mm

    def width_mm(self, text: str, size: float, char_space: float = 0) -> float:
        return (self.fonts.width(text, size) + char_space * max(len(text) - 1, 0)) / mm

    def text(self, text: str, x: float, y_top: float, size: float, *, align: str = "left",
             width: float | None = None, colour: Color = black, char_space: float = 0) -> None:
        if not text:
            return
        if align != "left":
            room = (width or 0) - self.width_mm(text, size, char_space)
            x += room if align == "right" else room / 2
        obj = self.c.beginText(x * mm, (self.height - y_top - size * PT_TO_MM * ASCENT) * mm)
        obj.setFillColor(colour)
        obj.setCharSpace(char_space)
        for font, run in self.fonts.runs(text):
            obj.setFont(font, size)
            obj.textOut(run)
        self.c.drawText(obj)

    def rect(self, x: float, y: float, w: float, h: float, *, line_width: float = 0.6, fill: Color | None = None):
        self.c.setLineWidth(line_width)
        self.c.setStrokeColor(black)
        if fill is not None:
            self.c.setFillColor(fill)
        self.c.rect(x * mm, (self.height - y - h) * mm, w * mm, h * mm, stroke=1, fill=1 if fill else 0)
        self.c.setFillColor(black)

    def line(self, x1: float, y1: float, x2: float, y2: float, *, width: float = 0.6, dashed: bool = False):
        self.c.setLineWidth(width)
        self.c.setDash(2, 2) if dashed else self.c.setDash()
        self.c.line(x1 * mm, (self.height - y1) * mm, x2 * mm, (self.height - y2) * mm)
        self.c.setDash()

    def ellipse(self, cx: float, cy: float, w: float, h: float) -> None:
        self.c.setLineWidth(0.8)
        self.c.ellipse((cx - w / 2) * mm, (self.height - cy - h / 2) * mm, (cx + w / 2) * mm,
                       (self.height - cy + h / 2) * mm)

    def labelled_cell(self, label: str, x: float, y: float, w: float, h: float, size: float) -> None:
        """A shaded cell with its label centred; a narrow tall cell sets the label vertically."""
        self.rect(x, y, w, h, fill=SHADE)
        size_mm = size * PT_TO_MM
        if w < size_mm * 3 and len(label) > 1 and h > size_mm * 1.2 * len(label):
            top = y + (h - size_mm * 1.2 * len(label)) / 2
            for i, ch in enumerate(label):
                self.text(ch, x, top + i * size_mm * 1.2, size, align="center", width=w)
            return
        lines = label.split("\n")
        top = y + (h - size_mm * 1.2 * len(lines)) / 2 + size_mm * 0.1
        for i, line in enumerate(lines):
            self.text(line, x, top + i * size_mm * 1.2, size, align="center", width=w)


def _wrap(page: _Page, text: str, width: float, size: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for ch in paragraph:
            if current and page.width_mm(current + ch, size) > width:
                if ch in CLOSING_PUNCTUATION and len(current) > 1:  # 禁則: carry the last character along
                    lines.append(current[:-1])
                    current = current[-1]
                else:
                    lines.append(current)
                    current = ""
            current += ch
        lines.append(current)
    return lines


def _does_not_fit(where: str, width: float, min_size: float) -> TextDoesNotFit:
    return TextDoesNotFit(_("%(place)s does not fit in %(width)s mm, even at %(size)s pt."), field="forms",
                          place=where, width=f"{width:g}", size=f"{min_size:g}")


def _sizes(size: float, min_size: float):
    while size >= min_size - 1e-9:
        yield size
        size -= 0.5


def _shrunk(page: _Page, text: str, width: float, size: float, min_size: float, where: str) -> float:
    """The largest size from ``size`` down to ``min_size`` (half points) at which ``text`` fits."""
    for candidate in _sizes(size, min_size):
        if page.width_mm(text, candidate) <= width:
            return candidate
    raise _does_not_fit(where, width, min_size)


def _fit(page: _Page, text: str, spec: FieldSpec, where: str) -> tuple[float, list[str]]:
    if spec.width is None:
        return spec.size, [text]
    if spec.fit == "shrink":
        return _shrunk(page, text, spec.width, spec.size, spec.min_size, where), [text]
    for size in _sizes(spec.size, spec.min_size):
        lines = _wrap(page, text, spec.width, size)
        if len(lines) <= spec.lines:
            return size, lines
    raise _does_not_fit(where, spec.width, spec.min_size)


def _draw_field(page: _Page, spec: FieldSpec, text: str, where: str) -> None:
    if spec.options:
        # Each option takes its own width plus an equal share of the room left, so a long option
        # never crowds its neighbours; the chosen one is circled (○で囲む), as on paper forms.
        size_mm = spec.size * PT_TO_MM
        widths = [page.width_mm(option, spec.size) for option in spec.options]
        gap = max(spec.width - sum(widths), 0) / len(spec.options)
        x = spec.x
        for option, option_width in zip(spec.options, widths, strict=True):
            page.text(option, x + gap / 2, spec.y, spec.size)
            if text and option == text:
                page.ellipse(x + gap / 2 + option_width / 2, spec.y + size_mm * 0.5,
                             max(option_width + min(gap, 3.0), size_mm + 2.4), size_mm + 2.2)
            x += option_width + gap
        return
    size, lines = _fit(page, text, spec, where)
    line_height = size * PT_TO_MM * 1.2
    for i, line in enumerate(lines):
        page.text(line, spec.x, spec.y + i * line_height, size, align=spec.align, width=spec.width)


def _draw_form(page: _Page, form: FormSpec, texts: list[str], members: Sequence[HouseholdMember],
               visit: VisitInfo, number: int, total: int) -> None:
    width, _ = form.page.size_mm
    char_space = 6 if len(form.title_ja) <= 8 else 1.5
    page.text(form.title_ja, 0, 12, 17, align="center", width=width, char_space=char_space)
    for box in form.boxes:
        page.rect(box.x, box.y, box.width, box.height, line_width=box.line_width, fill=SHADE if box.shade else None)
        if box.label and box.label_width:
            page.labelled_cell(box.label, box.x, box.y, box.label_width, box.height, box.label_size)
        elif box.label:
            page.text(box.label, box.x + 1.2, box.y + 1, box.label_size, colour=GREY)
    for line in form.lines:
        page.line(line.x1, line.y1, line.x2, line.y2, width=line.width, dashed=line.dashed)
    if form.household_table:
        _draw_household(page, form, members)
    sig = form.signature
    page.rect(sig.x, sig.y, sig.width, sig.height, line_width=1.0)
    label_width = min(28.0, sig.width / 3)
    page.labelled_cell(sig.label, sig.x, sig.y, label_width, sig.height, 9)
    page.text(sig.note, sig.x + label_width, sig.y + sig.height - 4.2, 7, align="right",
              width=sig.width - label_width - 1.5, colour=GREY)
    for index, (spec, text) in enumerate(zip(form.fields, texts, strict=True)):
        _draw_field(page, spec, text, f"{form.code}.fields[{index}]")
    footer = f"{form.code}　受付番号 {visit.ticket_number}　書かない窓口（madoguchi）で作成"
    page.text(footer, 15, 289, 7, colour=GREY)
    page.text(f"{number} / {total}", width - 35, 289, 7, align="right", width=20, colour=GREY)


def _draw_household(page: _Page, form: FormSpec, household: Sequence[HouseholdMember]) -> None:
    table = form.household_table
    x = table.x
    if table.label_width:
        page.labelled_cell(table.label, x, table.y, table.label_width, table.height, 9)
        x += table.label_width
    for column in table.columns:
        page.labelled_cell(column.label, x, table.y, column.width, table.header_height, 8)
        for row in range(table.rows):
            top = table.y + table.header_height + row * table.row_height
            page.rect(x, top, column.width, table.row_height)
            if row < len(household):
                text = member_text(household[row], column.source)
                size = _shrunk(page, text, column.width - 2.4, column.size, min(5, column.size),
                               f"{form.code}.household_table[{row}].{column.source}")
                page.text(text, x + 1.2, top + (table.row_height - size * PT_TO_MM) / 2, size)
        x += column.width


def _needs_new_address(forms: Sequence[FormSpec], visit: VisitInfo) -> bool:
    """Whether a form prints the address after this visit's move (the answer ``new_address``)."""
    after = {"address.after_move", "address.after_move_postal_code"}
    if visit.move in ("in", "within"):
        after |= {"address.now", "address.now_postal_code"}
    return visit.move is not None and any(f.source in after for form in forms for f in form.fields)


def render_bundle(forms: Sequence[FormSpec], identity: Identity, household: Sequence[HouseholdMember],
                  answers: Mapping[str, object], visit_info: VisitInfo, *, applicant_listed: bool = True) -> bytes:
    """Every form of ``forms``, one A4 page each, in one PDF (see the module docstring)."""
    refuse_individual_number({
        "identity": _plain(identity), "household": [_plain(m) for m in household],
        "answers": dict(answers), "visit": _plain(visit_info),
    })
    problems = answer_problems(forms, answers)
    if _needs_new_address(forms, visit_info) and not str(answers.get("new_address") or "").strip():
        problems.append(DomainError(_("The new address is needed: these forms print the address after the move."),
                                    field="answers.new_address"))
    if problems:
        raise AnswersInvalid.collect(problems)
    applicant = identity if applicant_listed else None
    listed = {form.code: members_for(form.household_table, household, visit_info, applicant=applicant)
              for form in forms if form.household_table}
    for form in forms:
        table = form.household_table
        if table and len(listed[form.code]) > table.rows:
            raise TextDoesNotFit(_("%(form)s lists at most %(rows)d household members, not %(listed)d."),
                                 field="forms", form=form.title_ja, rows=table.rows, listed=len(listed[form.code]))

    font_set = fonts()
    texts = {
        form.code: [resolve(f, identity=identity, household=household, answers=answers, visit=visit_info)
                    for f in form.fields]
        for form in forms
    }
    _refuse_unprintable(font_set, forms, texts, household)

    buffer = BytesIO()
    # The initial font is ours too, so the PDF references no font it does not embed.
    canvas = Canvas(buffer, invariant=True, pageCompression=1, initialFontName=MAIN_FONT)
    canvas.setTitle("申請書（書かない窓口）")
    canvas.setCreator("madoguchi")
    for number, form in enumerate(forms, start=1):
        width, height = form.page.size_mm
        canvas.setPageSize((width * mm, height * mm))
        _draw_form(_Page(canvas, font_set, height), form, texts[form.code], listed.get(form.code, []), visit_info,
                   number, len(forms))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _refuse_unprintable(font_set: FontSet, forms: Sequence[FormSpec], texts: dict[str, list[str]],
                        household: Sequence[HouseholdMember]) -> None:
    characters: list[str] = []
    places: list[str] = []

    def check(text: str, place: str) -> None:
        missing = font_set.unprintable(text)
        if missing:
            characters.extend(ch for ch in missing if ch not in characters)
            places.append(place)

    for form in forms:
        check(form.title_ja, f"{form.code}.title_ja")
        for index, (spec, text) in enumerate(zip(form.fields, texts[form.code], strict=True)):
            check(text, f"{form.code}.fields[{index}] ({spec.source})")
            for option in spec.options or ():
                check(option, f"{form.code}.fields[{index}].options")
        for index, box in enumerate(form.boxes):
            check(box.label, f"{form.code}.boxes[{index}].label")
        if form.household_table:
            for column in form.household_table.columns:
                check(column.label, f"{form.code}.household_table.{column.source}")
        check(form.signature.label + form.signature.note, f"{form.code}.signature")
    for index, member in enumerate(household):
        for name in ("name", "name_kana", "relationship"):
            check(getattr(member, name), f"household[{index}].{name}")
    if characters:
        raise UnprintableText.of(characters, places)
