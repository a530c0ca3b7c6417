"""The monthly report for the 総合窓口運営連絡会 (the one-stop counter's steering meeting), as a PDF.

ReportLab with IPAex Gothic embedded (the PDF forms' fonts, ``prefill.fonts``): the month's figures
beside the month before, each counter, each digital service's usage and effect with its uncertainty,
the interventions recorded, and the forecast for the next month — the same tables as the pages, with
the charts as images. Japanese dates in 和暦 for the meeting's papers.
"""

import calendar as _calendar
import io
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from madoguchi.catalog.models import Site, WardDay
from madoguchi.prefill.fonts import MAIN_FONT, fonts
from madoguchi.prefill.wareki import to_wareki

from . import charts, effects, figures, forecasts, interventions, reports
from .models import Intervention
from .tables import Column, Table, display


def month_bounds(month: str) -> tuple[date, date]:
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1), date(year, number, _calendar.monthrange(year, number)[1])


def month_title(start: date) -> str:
    wareki = to_wareki(start)
    year = "元" if wareki.year == 1 else str(wareki.year)
    return f"{wareki.era.name}{year}年{start.month}月（{start:%Y-%m}）"


def _styles() -> dict[str, ParagraphStyle]:
    fonts()  # registers IPAex Gothic with ReportLab
    base = ParagraphStyle("body", fontName=MAIN_FONT, fontSize=9, leading=13, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=22, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10, textColor=colors.HexColor("#444444")),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4),
        "body": base,
        "note": ParagraphStyle("note", parent=base, fontSize=7.5, leading=10, textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.5),
    }


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pdf_table(table: Table, styles, *, max_rows: int = 40) -> list:
    header = [Paragraph(_escape(c.label), styles["cell"]) for c in table.columns]
    body = [[Paragraph(_escape(display(value, column.kind)), styles["cell"]) for column, value in table.cells(row)]
            for row in table.rows[:max_rows]]
    width = 180 * mm
    out = [Paragraph(_escape(table.title), styles["h2"])]
    if not body:
        out.append(Paragraph(_("No figures for this period."), styles["body"]))
        return out
    grid = PdfTable([header, *body], colWidths=[width / len(table.columns)] * len(table.columns), repeatRows=1)
    grid.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#888888")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    out.append(grid)
    if len(table.rows) > max_rows:
        out.append(Paragraph(_("The first %(count)s rows; the page and its CSV have them all.") % {
            "count": max_rows}, styles["note"]))
    if table.note:
        out.append(Paragraph(_escape(table.note), styles["note"]))
    return out


def _image(png: bytes, width_mm: float = 175) -> Image:
    image = Image(io.BytesIO(png))
    ratio = image.imageHeight / image.imageWidth
    image.drawWidth, image.drawHeight = width_mm * mm, width_mm * mm * ratio
    return image


def _pct(value):
    return None if value is None else 100 * value


def render_monthly_pdf(*, site: Site, start: date, end: date, today: date | None = None) -> bytes:
    """The report of ``start``..``end`` (a month) at ``site``, with the forecast of the month after."""
    today = today or timezone.localdate()
    styles = _styles()
    scope = figures.Scope(start, end, site)
    previous_end = start - timedelta(days=1)
    previous = figures.Scope(previous_end.replace(day=1), previous_end, site)
    story: list = [
        Paragraph(_escape(_("One-stop counter monthly report: %(month)s") % {"month": month_title(start)}),
                  styles["title"]),
        Paragraph(_escape(_("%(site)s — for the one-stop counter steering meeting (総合窓口運営連絡会). "
                            "Made %(today)s from the recorded step events.") % {
            "site": site.name, "today": today.isoformat()}), styles["subtitle"]),
        Spacer(1, 4 * mm),
    ]
    overview = _overview(scope, previous)
    story += _pdf_table(overview, styles)
    board = figures.dashboard(scope)
    if board.by_day:
        story.append(Spacer(1, 3 * mm))
        story.append(_image(charts.visits_chart(
            [r["day"] for r in board.by_day], [r["visits"].visits for r in board.by_day],
            [r["counters"].wait.mean for r in board.by_day], title=_("Visits per day and mean wait"),
            visits_label=_("Visits"), wait_label=_("Mean wait (min)"))))
    tables = {t.key: t for t in reports.dashboard_tables(board)}
    story += _pdf_table(tables["counters"], styles)
    story += _pdf_table(tables["channels"], styles)
    story.append(PageBreak())
    items = effects.service_effects(scope)
    story += _pdf_table(reports.effect_summary_table(items), styles)
    story.append(Paragraph(_escape(method_note()), styles["note"]))
    rows = [(i.label, i.effect.relative, *i.effect.ci95_relative) for i in items
            if i.effect is not None and i.effect.enough and i.effect.ci95_relative]
    if rows:
        story.append(_image(charts.effects_chart(
            rows, title=_("Effect of each service: relative difference and its interval (95%)"),
            axis_label=_("Difference with the service (%)")), 150))
    # The site's own, its counters', and those for every site (``site__in=[site, None]`` would drop the
    # last: SQL's IN never matches NULL).
    recorded = list(Intervention.objects.filter(day__range=(start, end)).filter(
        Q(site=site) | Q(counter__site=site) | Q(site__isnull=True, counter__isnull=True)).order_by("day"))
    story.append(Paragraph(_escape(_("Interventions this month")), styles["h2"]))
    if not recorded:
        story.append(Paragraph(_("None recorded."), styles["body"]))
    for intervention in recorded:
        story.append(Paragraph(_escape(f"{intervention.day.isoformat()} {intervention.title}"), styles["body"]))
        usage = interventions.tables(interventions.before_after(intervention))[0]
        usage.title = _("Usage before and after: %(title)s") % {"title": intervention.title}
        story += _pdf_table(usage, styles)
    story.append(PageBreak())
    next_start = end + timedelta(days=1)
    next_end = next_start.replace(day=_calendar.monthrange(next_start.year, next_start.month)[1])
    forecast = forecasts.site_forecast(site, start=max(next_start, today), end=max(next_end, today))
    story.append(Paragraph(_escape(_("Congestion forecast for %(month)s") % {"month": month_title(next_start)}),
                           styles["h2"]))
    if forecast.site_model is None:
        story.append(Paragraph(_("Not enough history to forecast yet."), styles["body"]))
    else:
        labels = reason_labels()
        days_table = reports.forecast_days_table([d for d in forecast.site_days if d.open], labels)
        story.append(_image(charts.forecast_chart(
            [d.day for d in forecast.site_days], [d.expected_visits for d in forecast.site_days],
            [d.level if d.open else None for d in forecast.site_days], title=_("Expected visits per day"),
            axis_label=_("Visits"), level_labels=level_labels())))
        story += _pdf_table(days_table, styles, max_rows=31)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                                 bottomMargin=15 * mm, title=_("One-stop counter monthly report"),
                                 author="madoguchi", subject=f"{site.name} {start:%Y-%m}")
    document.build(story)
    return buffer.getvalue()


def _overview(scope: figures.Scope, previous: figures.Scope) -> Table:
    now_v, now_c = figures.totals(scope)
    before_v, before_c = figures.totals(previous)
    table = Table("overview", _("The month at a glance"), [
        Column("figure", _("Figure")), Column("month", _("This month")),
        Column("previous", _("The month before"))])
    rows = [
        (_("Visits"), now_v.visits, before_v.visits),
        (_("Share with several procedures (%)"), _pct(now_v.share("multi_procedure")),
         _pct(before_v.share("multi_procedure"))),
        (_("Share handed on to another counter (%)"), _pct(now_v.share("multi_counter")),
         _pct(before_v.share("multi_counter"))),
        (_("Mean wait (min)"), now_c.wait.mean, before_c.wait.mean),
        (_("Median wait (min)"), now_c.wait.median, before_c.wait.median),
        (_("90th percentile wait (min)"), now_c.wait.p90, before_c.wait.p90),
        (_("Mean handling (min)"), now_c.handling.mean, before_c.handling.mean),
        (_("No-shows"), now_c.no_shows, before_c.no_shows),
        (_("Desk-hours active"), now_c.desk_hours, before_c.desk_hours),
        (_("Utilisation (%)"), _pct(now_c.utilisation), _pct(before_c.utilisation)),
        (_("Wait estimate: mean absolute error (min)"), now_c.estimate_mae, before_c.estimate_mae),
    ]
    table.rows = [{"figure": label, "month": _figure(now), "previous": _figure(before)} for label, now, before in rows]
    return table


def _figure(value) -> str:
    """Counts as counts, minutes and percentages with one decimal."""
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def method_note() -> str:
    return _("How the effects are estimated: visits with and without the service are compared within strata "
             "(the same procedures at the same counter; waits: the same counter and hour; the navigator: visits "
             "bringing as many procedures), weighted by the visits with the service in each. Intervals (95%%): "
             "Welch's (each stratum's variance, Welch–Satterthwaite degrees of freedom); the relative difference "
             "on the log scale. Below %(count)s visits on a side the report says too few to say.") % {
        "count": effects.min_count()}


def reason_labels() -> dict[str, str]:
    labels = {"month_start": _("start of the month"), "month_end": _("end of the month"),
              "after_holiday": _("day after a holiday"), "moving_peak": _("moving season (peak)"),
              "moving_shoulder": _("moving season"), "extra_opening": _("special opening")}
    labels.update({f"ward:{w.code}": w.name for w in WardDay.objects.all()})
    return labels


def level_labels() -> dict:
    return {level: f"{reports.level_symbol(level)} {reports.level_label(level)}"
            for level in ("low", "medium", "high")} | {None: reports.level_label(None)}
