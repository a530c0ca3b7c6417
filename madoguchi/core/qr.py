"""QR codes, one renderer for every page (segno, pure Python): inline SVG to show and print, PNG to save.

Error correction M: scannable from paper and from a phone screen, and a pre-application part stays
at version 20 or below (segno raises the level by itself where the version has room for more). The
SVG has a viewBox instead of a fixed size (the stylesheet sizes it), a white quiet zone for
scanners, and is hidden from screen readers: every page names the code in words beside it.
"""

import segno


def _code(text: str):
    return segno.make(text, error="m")


def svg(text: str, *, css_class: str = "qr", scale: int = 4) -> str:
    markup = _code(text).svg_inline(scale=scale, border=4, light="#ffffff", omitsize=True, svgclass=css_class,
                                    lineclass=None)
    return markup.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def png_data_uri(text: str) -> str:
    return _code(text).png_data_uri(scale=6, border=4)
