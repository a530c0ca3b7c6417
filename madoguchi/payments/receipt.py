"""The receipt (領収書) as a PDF: ReportLab with the embedded IPAex Gothic (fallback for rare kanji), A5.

It carries the ward's name, the receipt number, the date in 和暦, the optional addressee (宛名),
every fee item with copies, unit fee and exemption, the total, the method (cash with the cash
received and the change; cashless with the terminal's transaction id), the office and register.
A reprint says 再発行 in a box at the top; the first print does not.
"""

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.conf import settings
from django.utils import timezone, translation
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from madoguchi.core.fonts import MAIN_FONT, fonts
from madoguchi.core.wareki import format_wareki

GREY = Color(0.35, 0.35, 0.35)
RED = Color(0.75, 0.1, 0.1)


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    quantity: int
    unit_yen: int
    amount_yen: int
    exemption: str = ""  # the reason's name when the line is exempt


@dataclass(frozen=True)
class ReceiptData:
    ward_name: str
    issuer: str
    office: str
    register: str
    receipt_number: str
    paid_on: date
    addressee: str
    lines: tuple[ReceiptLine, ...]
    total_yen: int
    method: str
    tendered_yen: int | None
    change_yen: int | None
    transaction_id: str
    reprint: bool


def receipt_data(payment, lines, *, reprint: bool) -> ReceiptData:
    """The printed content of ``payment`` (names in Japanese: the receipt is a Japanese document)."""
    with translation.override("ja"):
        method = str(payment.get_method_display())
    return ReceiptData(
        ward_name=settings.WARD_NAME, issuer=f"{settings.WARD_NAME}長", office=payment.visit.site.name_ja,
        register=payment.register.code, receipt_number=payment.receipt_number,
        paid_on=timezone.localdate(payment.finalised_at or payment.created_at), addressee=payment.addressee,
        lines=tuple(ReceiptLine(line.fee_item.name_ja, line.quantity, line.unit_yen, line.amount_yen,
                                line.exemption.name_ja if line.exemption_id else "") for line in lines),
        total_yen=payment.total_yen, method=method, tendered_yen=payment.tendered_yen,
        change_yen=payment.change_yen, transaction_id=payment.transaction_id, reprint=reprint,
    )


def yen(amount: int) -> str:
    return f"¥{amount:,}"


class _Sheet:
    """Text in millimetres from the top-left, set in the main font with the fallback for what it lacks."""

    def __init__(self, canvas: Canvas):
        self.c = canvas
        self.width_mm, self.height_mm = A5[0] / mm, A5[1] / mm
        self.fonts = fonts()

    def width(self, text: str, size: float) -> float:
        return self.fonts.width(text, size) / mm

    def text(self, text: str, x: float, y: float, size: float, *, align: str = "left", colour=black) -> None:
        if align == "right":
            x -= self.width(text, size)
        elif align == "center":
            x -= self.width(text, size) / 2
        obj = self.c.beginText(x * mm, (self.height_mm - y) * mm)
        obj.setFillColor(colour)
        for font, run in self.fonts.runs(text):
            obj.setFont(font, size)
            obj.textOut(run)
        self.c.drawText(obj)

    def line(self, x1: float, y: float, x2: float, *, width: float = 0.5) -> None:
        self.c.setLineWidth(width)
        self.c.line(x1 * mm, (self.height_mm - y) * mm, x2 * mm, (self.height_mm - y) * mm)

    def box(self, x: float, y: float, w: float, h: float, *, colour=black, width: float = 0.8) -> None:
        self.c.setStrokeColor(colour)
        self.c.setLineWidth(width)
        self.c.rect(x * mm, (self.height_mm - y - h) * mm, w * mm, h * mm, stroke=1, fill=0)
        self.c.setStrokeColor(black)


def render_receipt(data: ReceiptData) -> bytes:
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A5, pageCompression=1)
    canvas.setTitle(f"領収書 {data.receipt_number}")
    canvas.setAuthor(data.ward_name)
    sheet = _Sheet(canvas)
    left, right = 14.0, sheet.width_mm - 14.0
    centre = sheet.width_mm / 2

    if data.reprint:
        sheet.box(right - 22, 9, 22, 9, colour=RED)
        sheet.text("再発行", right - 11, 15.5, 12, align="center", colour=RED)
    sheet.text("領収書", centre, 22, 22, align="center")
    sheet.text("Receipt", centre, 28, 9, align="center", colour=GREY)
    sheet.text(f"No. {data.receipt_number}", left, 38, 10)
    sheet.text(format_wareki(data.paid_on), right, 38, 10, align="right")

    y = 50.0
    if data.addressee:
        sheet.text(f"{data.addressee} 様", left, y, 13)
        sheet.line(left, y + 2, centre + 20)
    y += 14
    sheet.text("金額", left, y, 11)
    sheet.text(f"{yen(data.total_yen)}－", centre, y + 1, 20, align="center")
    sheet.line(left + 14, y + 3, right, width=0.8)
    y += 9
    sheet.text("但し　手数料として、上記正に領収いたしました。", left, y, 9.5)

    y += 12
    sheet.text("品目", left, y, 9, colour=GREY)
    sheet.text("単価", right - 52, y, 9, align="right", colour=GREY)
    sheet.text("通数", right - 32, y, 9, align="right", colour=GREY)
    sheet.text("金額", right, y, 9, align="right", colour=GREY)
    sheet.line(left, y + 1.5, right, width=0.4)
    for line in data.lines:
        y += 7
        sheet.text(line.name, left, y, 10)
        sheet.text(yen(line.unit_yen), right - 52, y, 10, align="right")
        sheet.text(str(line.quantity), right - 32, y, 10, align="right")
        sheet.text(yen(line.amount_yen), right, y, 10, align="right")
        if line.exemption:
            y += 5
            sheet.text(f"免除：{line.exemption}", left + 4, y, 8.5, colour=GREY)
    sheet.line(left, y + 2, right, width=0.4)
    y += 7
    sheet.text("合計", left, y, 11)
    sheet.text(yen(data.total_yen), right, y, 11, align="right")

    y += 10
    sheet.text(f"お支払方法：{data.method}", left, y, 10)
    if data.tendered_yen is not None and data.change_yen is not None:
        y += 6
        sheet.text(f"お預かり {yen(data.tendered_yen)}　おつり {yen(data.change_yen)}", left, y, 10)
    if data.transaction_id:
        y += 6
        sheet.text(f"取引番号 {data.transaction_id}", left, y, 9, colour=GREY)

    bottom = sheet.height_mm - 16
    sheet.text(data.issuer, right, bottom - 12, 13, align="right")
    sheet.text(f"{data.office}　{data.register}", right, bottom - 5, 8.5, align="right", colour=GREY)
    canvas.setFont(MAIN_FONT, 7)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
