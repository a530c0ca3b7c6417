"""The simulator's chart: mean and 90th-percentile stay per kind of visitor and policy, an SVG image.

matplotlib's object API with the Agg/SVG canvases (no pyplot, no display), the labels set in IPAex
Gothic — the font file shipped by japanize-matplotlib, found by path like the PDF forms' font,
never imported. Text is drawn as outlines (``svg.fonttype: path``), so the page needs no web font.
"""

import functools
import io
import re
from collections.abc import Mapping, Sequence

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

from madoguchi.prefill.fonts import MAIN_FONT, font_path

from .simulation import Comparison

# A server draws no window: should anything here reach pyplot, it must not look for a display.
matplotlib.use("Agg")

# Distinguishable without colour too: each policy has its own hatching.
POLICY_STYLE = {"a": ("#8c8c8c", ""), "b": ("#4d7fbf", "//"), "c": ("#1f4e8c", "..")}


@functools.cache
def font_family() -> str:
    """Register IPAex Gothic with matplotlib once; its family name."""
    path = font_path(MAIN_FONT)
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def stay_chart_svg(comparison: Comparison, *, groups: Mapping[str, str], policies: Mapping[str, str], title: str,
                   axis_label: str, p90_label: str, labelled_by: str) -> str:
    """Bars: mean stay of each visitor group under each policy; dots: the 90th percentile.

    ``groups``/``policies``: display labels (already translated) by key, in display order.
    ``labelled_by``: the id of the element naming the chart (its figure caption).
    """
    group_keys: Sequence[str] = list(groups)
    policy_keys = [p for p in policies if p in comparison.summaries]
    with matplotlib.rc_context({"font.family": font_family(), "svg.fonttype": "path", "svg.hashsalt": "madoguchi",
                                "font.size": 11}):
        figure = Figure(figsize=(8, 4.6), layout="constrained")
        axes = figure.subplots()
        width = 0.8 / max(1, len(policy_keys))
        for index, policy in enumerate(policy_keys):
            colour, hatch = POLICY_STYLE.get(policy, ("#555555", ""))
            summary = comparison.summaries[policy]
            means = [summary.groups[g].mean_stay or 0.0 for g in group_keys]
            p90s = [summary.groups[g].p90_stay or 0.0 for g in group_keys]
            xs = [g + (index - (len(policy_keys) - 1) / 2) * width for g in range(len(group_keys))]
            axes.bar(xs, means, width * 0.92, color=colour, hatch=hatch, edgecolor="#222222", linewidth=0.6,
                     label=policies[policy])
            axes.plot(xs, p90s, linestyle="none", marker="o", markersize=5, color="#111111",
                      label=p90_label if index == 0 else None)
            for x, value in zip(xs, means, strict=True):
                axes.annotate(f"{value:.0f}", (x, value), textcoords="offset points", xytext=(0, 2), ha="center",
                              fontsize=8)
        axes.set_xticks(range(len(group_keys)), [groups[g] for g in group_keys])
        axes.set_ylabel(axis_label)
        axes.set_title(title)
        axes.grid(axis="y", color="#dddddd", linewidth=0.6)
        axes.set_axisbelow(True)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=len(policy_keys) + 1, fontsize=9,
                    frameon=False)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg")
    return _inline(buffer.getvalue(), labelled_by)


def _inline(svg: str, labelled_by: str) -> str:
    """The SVG as an image element for the page, its data in the address itself (``data:`` URI): an
    inline <svg> would carry matplotlib's <style> and style attributes, which the page's
    Content-Security-Policy (no inline style) refuses; as an image it is a separate document. Named by
    the element ``labelled_by`` (the figure caption); the data table beside it is the text alternative.
    """
    import base64

    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, count=1, flags=re.S)
    # matplotlib writes width/height in pt: the page scales the chart with its container instead.
    svg = re.sub(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"', r"\1", svg, count=1)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f'<img class="chart" src="data:image/svg+xml;base64,{data}" alt="" role="img" '
            f'aria-labelledby="{labelled_by}">')
