"""The chart: an SVG image with an accessible name, Japanese labels set in IPAex Gothic (no missing glyph)."""

import base64
import re
import warnings

from madoguchi.insights.chart import font_family, stay_chart_svg
from madoguchi.insights.simulation import simulate


def test_the_chart_is_an_svg_image_with_japanese_labels(office, small_day):
    comparison = simulate(office, small_day, seed=1)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" for a font without kanji
        image = stay_chart_svg(comparison,
                             groups={"single": "単一手続", "multi": "複数手続", "multi_counter": "複数窓口"},
                             policies={"a": "(a) 最後尾", "b": "(b) 窓口連携", "c": "(c) 連携＋経路"},
                             title="平均滞在時間", axis_label="分", p90_label="90パーセンタイル", labelled_by="cap")

    assert font_family() == "IPAexGothic"
    assert image.startswith('<img class="chart" src="data:image/svg+xml;base64,')
    assert 'role="img" aria-labelledby="cap"' in image
    svg = base64.b64decode(re.search(r'base64,([^"]+)"', image).group(1)).decode()
    assert svg.startswith("<svg") and "<metadata>" not in svg
    assert "<text" not in svg  # labels drawn as outlines: the page needs no font
