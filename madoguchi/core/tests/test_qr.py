"""The one QR renderer every page uses."""

import segno

from madoguchi.core import qr


def test_the_qr_image_scales_with_the_page_and_is_hidden_from_screen_readers():
    svg = qr.svg("MDGNAV1|birth|2026-04-01|koseki.birth")
    assert svg.startswith('<svg aria-hidden="true" focusable="false" viewBox="0 0 ')
    assert " width=" not in svg.split(">", 1)[0]


def test_the_page_chooses_the_css_class_and_scale():
    svg = qr.svg("text", css_class="nav-qr__code", scale=5)
    assert 'class="nav-qr__code"' in svg.split(">", 1)[0]


def test_the_png_encodes_the_same_text_with_the_same_error_correction():
    assert qr.png_data_uri("hello").startswith("data:image/png;base64,")
    assert segno.make("hello", error="m").designator == qr._code("hello").designator
