"""The insights' charts as PNG images: drawn on the server with matplotlib in IPAex Gothic (the font of
the PDF forms, from japanize-matplotlib's files), for the pages (an ``<img>`` whose text alternative is
the table beside it) and for the monthly PDF. Every series differs by its marker, hatch or line style
as well as its colour, so the charts read in black and white."""

import io
from datetime import date

import matplotlib
from matplotlib.figure import Figure

from .chart import font_family

matplotlib.use("Agg")

INK = "#1a1a1a"
BLUE, DARK, GREY, ORANGE = "#1f4e8c", "#0b2a55", "#8c8c8c", "#b35806"
LEVEL_STYLE = {"low": ("#d9e8f5", ""), "medium": ("#f6c85f", "//"), "high": ("#c0392b", "xx"), None: ("#ffffff", "")}


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def _figure(size=(8, 3.6)):
    matplotlib.rcParams.update({"font.family": font_family(), "font.size": 10, "axes.edgecolor": INK})
    figure = Figure(figsize=size, layout="constrained")
    return figure, figure.subplots()


def _style(axes, title: str) -> None:
    axes.set_title(title)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)


def visits_chart(days: list[date], visits: list[int], waits: list[float | None], *, title: str, visits_label: str,
                 wait_label: str) -> bytes:
    figure, axes = _figure()
    axes.bar(days, visits, color=BLUE, edgecolor=INK, linewidth=0.3, label=visits_label)
    axes.set_ylabel(visits_label)
    _style(axes, title)
    right = axes.twinx()
    points = [(d, w) for d, w in zip(days, waits, strict=True) if w is not None]
    if points:
        right.plot([d for d, _ in points], [w for _, w in points], color=ORANGE, marker="o", markersize=3,
                   linestyle="--", linewidth=1.2, label=wait_label)
    right.set_ylabel(wait_label)
    right.spines[["top"]].set_visible(False)
    handles = axes.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    labels = axes.get_legend_handles_labels()[1] + right.get_legend_handles_labels()[1]
    axes.legend(handles, labels, loc="upper left", fontsize=8, frameon=False)
    figure.autofmt_xdate()
    return _png(figure)


SERIES_STYLE = [(BLUE, "o", "-"), (ORANGE, "s", "--"), (DARK, "^", "-."), (GREY, "D", ":")]


def usage_chart(weeks: list[date], series: dict[str, list[float | None]], *, title: str, axis_label: str) -> bytes:
    figure, axes = _figure()
    for (label, values), (colour, marker, line) in zip(series.items(), SERIES_STYLE, strict=False):
        points = [(w, 100 * v) for w, v in zip(weeks, values, strict=True) if v is not None]
        axes.plot([w for w, _ in points], [v for _, v in points], color=colour, marker=marker, linestyle=line,
                  markersize=4, label=label)
    axes.set_ylabel(axis_label)
    axes.set_ylim(bottom=0)
    _style(axes, title)
    axes.legend(loc="upper left", fontsize=8, frameon=False, ncols=2)
    figure.autofmt_xdate()
    return _png(figure)


def effects_chart(rows: list[tuple[str, float, float, float]], *, title: str, axis_label: str) -> bytes:
    """A forest plot: (label, relative difference, low, high) per service, in percent."""
    figure, axes = _figure((8, 0.7 * max(2, len(rows)) + 1.2))
    for index, (_label, value, low, high) in enumerate(rows):
        axes.errorbar([100 * value], [index], xerr=[[100 * (value - low)], [100 * (high - value)]], fmt="s",
                      color=BLUE, ecolor=INK, capsize=4, markersize=7)
        axes.annotate(f"{100 * value:+.0f}%", (100 * value, index), textcoords="offset points", xytext=(0, 8),
                      ha="center", fontsize=8)
    axes.axvline(0, color=GREY, linestyle="--", linewidth=1)
    axes.set_yticks(range(len(rows)), [label for label, *_rest in rows])
    axes.invert_yaxis()
    axes.set_xlabel(axis_label)
    axes.set_title(title)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    return _png(figure)


def forecast_chart(days: list[date], visits: list[float], levels: list[str | None], *, title: str,
                   axis_label: str, level_labels: dict) -> bytes:
    figure, axes = _figure()
    for level, (colour, hatch) in LEVEL_STYLE.items():
        chosen = [(d, v) for d, v, lv in zip(days, visits, levels, strict=True) if lv == level and v > 0]
        if chosen:
            axes.bar([d for d, _ in chosen], [v for _, v in chosen], color=colour, hatch=hatch, edgecolor=INK,
                     linewidth=0.4, label=level_labels[level])
    axes.set_ylabel(axis_label)
    _style(axes, title)
    axes.legend(loc="upper left", fontsize=8, frameon=False, ncols=3)
    figure.autofmt_xdate()
    return _png(figure)
