"""The paper questionnaire (A4 PDF), drawn from the same survey definition as the web survey, so the
paper and the screen never drift apart. Staff key the paper answers in on the same form."""

from io import BytesIO

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from madoguchi.prefill.fonts import MAIN_FONT, fonts

from .forms import text_in

PAGE_W, PAGE_H = 210 * mm, 297 * mm
MARGIN = 18 * mm
BOX = 4 * mm


def _wrap(text: str, width: float, size: float) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if pdfmetrics.stringWidth(line + ch, MAIN_FONT, size) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    return [*lines, line] if line else lines


class _Writer:
    def __init__(self, canvas: Canvas):
        self.c, self.y = canvas, PAGE_H - MARGIN

    def need(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.c.showPage()
            self.y = PAGE_H - MARGIN

    def text(self, text: str, *, size: float = 10, indent: float = 0) -> None:
        for line in _wrap(text, PAGE_W - 2 * MARGIN - indent, size):
            self.need(size * 1.5)
            self.c.setFont(MAIN_FONT, size)
            self.c.drawString(MARGIN + indent, self.y - size, line)
            self.y -= size * 1.5

    def choices(self, labels: list[str], *, size: float = 9.5) -> None:
        """Tick boxes, as many on a line as fit."""
        x = MARGIN + 6 * mm
        self.need(size * 2)
        for label in labels:
            width = BOX + 2 * mm + pdfmetrics.stringWidth(label, MAIN_FONT, size) + 6 * mm
            if x + width > PAGE_W - MARGIN and x > MARGIN + 6 * mm:
                self.y -= size * 2
                self.need(size * 2)
                x = MARGIN + 6 * mm
            self.c.rect(x, self.y - size - 0.8 * mm, BOX, BOX)
            self.c.setFont(MAIN_FONT, size)
            self.c.drawString(x + BOX + 2 * mm, self.y - size, label)
            x += width
        self.y -= size * 2.2


def questionnaire_pdf(definition: dict, *, version: int, labels: dict[str, str]) -> bytes:
    """The questionnaire in the active language. ``labels``: the page's own words (ticket, date, …),
    translated by the caller."""
    fonts()  # registers the embedded Japanese font with ReportLab
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_W, PAGE_H))
    canvas.setTitle(text_in(definition["title"]))
    out = _Writer(canvas)
    out.text(text_in(definition["title"]), size=16)
    if definition.get("intro"):
        out.text(text_in(definition["intro"]), size=9.5)
    out.text(f"{labels['ticket']}: ＿＿＿＿＿＿　　{labels['date']}: ＿＿＿＿年＿＿月＿＿日", size=10.5)
    out.text(labels["how"], size=9)
    for number, question in enumerate(definition["questions"], start=1):
        out.need(30 * mm if question["kind"] == "text" else 16 * mm)
        out.y -= 2 * mm
        out.text(f"{labels['question']} {number}. {text_in(question['label'])}", size=10.5)
        if question.get("when"):
            out.text(labels["conditional"], size=8.5, indent=6 * mm)
        if question["kind"] == "multiple":
            out.text(labels["any"], size=8.5, indent=6 * mm)
        if question["kind"] in ("single", "multiple"):
            out.choices([text_in(o["label"]) for o in question["options"]])
        elif question["kind"] == "scale":
            points = []
            for point in range(question.get("low", 1), question.get("high", 5) + 1):
                label = str(point)
                if point == question.get("low", 1) and question.get("low_label"):
                    label += f"（{text_in(question['low_label'])}）"
                if point == question.get("high", 5) and question.get("high_label"):
                    label += f"（{text_in(question['high_label'])}）"
                points.append(label)
            out.choices(points)
        else:
            if question.get("help"):
                out.text(text_in(question["help"]), size=8.5, indent=6 * mm)
            out.need(28 * mm)
            canvas.rect(MARGIN + 6 * mm, out.y - 26 * mm, PAGE_W - 2 * MARGIN - 6 * mm, 26 * mm)
            out.y -= 30 * mm
    out.y -= 4 * mm
    out.text(f"{text_in(definition.get('thanks'))}　（{labels['version']} {version}）", size=9)
    canvas.save()
    return buffer.getvalue()
