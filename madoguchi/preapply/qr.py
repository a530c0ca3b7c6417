"""The pre-application's QR codes as inline SVG (to show and print) and PNG (to save). segno, pure Python."""

import segno


def _code(text: str):
    # Error correction M: a part stays at version 20 or below (sealed.MAX_PART_BYTES); segno raises the
    # level by itself where the version has room for more.
    return segno.make(text, error="m")


def svg(text: str) -> str:
    """Hidden from screen readers: the page names each code in words."""
    markup = _code(text).svg_inline(scale=4, border=4, light="#ffffff", omitsize=True, svgclass="preapply-qr__svg",
                                    lineclass=None)
    return markup.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def png_data_uri(text: str) -> str:
    return _code(text).png_data_uri(scale=6, border=4)
