"""QR codes as inline SVG (segno, pure Python): scannable from paper and from a phone screen."""

import io

import segno


def svg(text: str, *, scale: int = 4, title: str = "QR") -> str:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True,
                                     title=title, svgclass="qr", lineclass=None)
    return buffer.getvalue().decode()
