"""The help desk's tables, as shown on its pages and exported (CSV/XLSX) with the same rows."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.core.tables import Column, Link, Table

from .ideas import ADDED, HANDLING, NO_SHOW, PREFILL
from .models import HelpKind
from .savings import hours_per_year

IDEA_HEADINGS = {
    HANDLING: _("The longest handling times"),
    PREFILL: _("The lowest pre-fill use"),
    ADDED: _("The most procedures added mid-visit"),
    NO_SHOW: _("The most no-shows"),
}


def hours(times_per_month: int, minutes: int) -> Decimal:
    return hours_per_year(times_per_month, minutes)


def _link(consultation) -> Link:
    return Link(consultation.number, reverse("dxdesk:detail", args=[consultation.pk]))


def consultations(rows, *, key: str) -> Table:
    return Table(
        key=key, caption=_("Consultations"), empty=_("No consultations."),
        columns=[Column(_("No.")), Column(_("Filed on")), Column(_("Section")), Column(_("Title")),
                 Column(_("Kind of help")), Column(_("Status")), Column(_("Hours a year today"), numeric=True),
                 Column(_("Expected saving (h/year)"), numeric=True),
                 Column(_("Measured saving (h/year)"), numeric=True)],
        rows=[[_link(c), timezone.localtime(c.filed_at).date(), c.section.label, c.title, c.get_help_kind_display(),
               c.get_status_display(), hours(c.times_per_month, c.minutes_per_time), c.expected_hours_per_year,
               c.measured_hours_per_year] for c in rows])


def measurements_due(rows) -> Table:
    return Table(
        key="measurements_due", caption=_("Measurements due: three months after delivery"),
        empty=_("No measurement is due."),
        columns=[Column(_("No.")), Column(_("Section")), Column(_("Tool")), Column(_("Delivered on")),
                 Column(_("Measure on"))],
        rows=[[_link(c), c.section.label, c.tool_name, c.delivered_on, c.measure_due_on] for c in rows])


def _tally_columns(first: Column) -> list[Column]:
    return [first, Column(_("Consultations"), numeric=True), Column(_("Open"), numeric=True),
            Column(_("Delivered"), numeric=True), Column(_("Measured"), numeric=True),
            Column(_("Declined"), numeric=True), Column(_("Expected saving (h/year)"), numeric=True),
            Column(_("Measured saving (h/year)"), numeric=True)]


def _tally(t) -> list:
    return [t.consultations, t.open, t.delivered, t.measured, t.declined, t.expected_hours, t.measured_hours]


def by_section(figures) -> Table:
    rows = [[section.label, _("Counter section") if section.is_counter else _("Other section"), *_tally(tally)]
            for section, tally in figures.by_section]
    rows += [[_("All counter sections"), _("Counter section"), *_tally(figures.counter)],
             [_("All other sections"), _("Other section"), *_tally(figures.other)]]
    columns = _tally_columns(Column(_("Section")))
    columns.insert(1, Column(_("Kind of section")))
    return Table(key="by_section", caption=_("By section (the one-stop counter's sections first)"),
                 columns=columns, rows=rows)


def by_kind(figures) -> Table:
    labels = dict(HelpKind.choices)
    return Table(key="by_kind", caption=_("By kind of help"), columns=_tally_columns(Column(_("Kind of help"))),
                 rows=[[labels[kind], *_tally(tally)] for kind, tally in figures.by_kind])


def by_quarter(figures) -> Table:
    return Table(
        key="by_quarter", caption=_("By fiscal quarter: counter sections beside the others"),
        empty=_("No consultations."),
        columns=[Column(_("Quarter")), Column(_("Counter sections: consultations"), numeric=True),
                 Column(_("Counter sections: measured saving (h/year)"), numeric=True),
                 Column(_("Other sections: consultations"), numeric=True),
                 Column(_("Other sections: measured saving (h/year)"), numeric=True)],
        rows=[[_("FY%(year)d Q%(quarter)d") % {"year": year, "quarter": quarter}, counter.consultations,
               counter.measured_hours, other.consultations, other.measured_hours]
              for (year, quarter), counter, other in figures.by_quarter])


def ideas(found) -> Table:
    rows = []
    for kind, items in found.items():
        for idea in items:
            rows.append([IDEA_HEADINGS[kind], idea.procedure.name, idea.procedure.department.name, idea.summary,
                         _link(idea.consultation) if idea.consultation else ""])
    return Table(key="ideas", caption=_("Ideas from the counter's data"), empty=_("No ideas yet."),
                 columns=[Column(_("Signal")), Column(_("Procedure")), Column(_("Department")), Column(_("Figure")),
                          Column(_("Consultation"))], rows=rows)
