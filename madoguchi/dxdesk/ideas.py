"""Ideas from the counter's data (窓口データからの改善提案): where the counter's own records show that a
section needs the help desk, as consultations the desk opens with one click.

Four signals over the last ``PERIOD_DAYS`` days, each ranked per procedure:
- the longest handling times (a Step's service start to its completion, the median);
- the lowest pre-fill use (書かない窓口): of the Steps of a procedure that has a form, the share whose
  forms were printed pre-filled;
- the procedures most often added mid-visit (reception did not catch them);
- the most no-shows (visitors who left before their call).
A procedure needs ``MIN_CASES`` Steps (or events) to be ranked, so one odd visit makes no idea.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.catalog.models import Procedure
from madoguchi.prefill.layouts import FormsInvalid
from madoguchi.prefill.models import StepPrefill
from madoguchi.prefill.selectors import ward_forms
from madoguchi.reception.models import Step, StepEvent

from .models import Consultation, HelpKind

PERIOD_DAYS = 90
MIN_CASES = 5
TOP = 3
HANDLING, PREFILL, ADDED, NO_SHOW = "handling", "prefill", "added", "no_show"
KINDS = (HANDLING, PREFILL, ADDED, NO_SHOW)


@dataclass
class Idea:
    kind: str
    procedure: Procedure
    cases: int  # Steps or events behind the figure
    figure: float  # median minutes, pre-filled share, or a count
    fiscal_year: int
    consultation: Consultation | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.procedure.code}:{self.fiscal_year}"

    @property
    def help_kind(self) -> str:
        return {HANDLING: HelpKind.RPA, PREFILL: HelpKind.PAPERLESS, ADDED: HelpKind.ONLINE_APPLICATION,
                NO_SHOW: HelpKind.ONLINE_APPLICATION}[self.kind]

    @property
    def per_month(self) -> int:
        return max(round(self.cases * 30 / PERIOD_DAYS), 1)

    @property
    def minutes(self) -> int:
        if self.kind == HANDLING:
            return max(round(self.figure), 1)
        return self.procedure.handling_minutes

    @property
    def summary(self) -> str:
        name = self.procedure.name
        if self.kind == HANDLING:
            return _("%(procedure)s: a median %(minutes)d minutes at the counter "
                     "(%(cases)d visits in %(days)d days).") % {
                "procedure": name, "minutes": round(self.figure), "cases": self.cases, "days": PERIOD_DAYS}
        if self.kind == PREFILL:
            return _("%(procedure)s: forms printed pre-filled for %(percent)d%% of %(cases)d visits "
                     "(%(days)d days).") % {"procedure": name, "percent": round(self.figure * 100),
                                            "cases": self.cases, "days": PERIOD_DAYS}
        if self.kind == ADDED:
            return _("%(procedure)s: added at a counter mid-visit %(cases)d times in %(days)d days.") % {
                "procedure": name, "cases": self.cases, "days": PERIOD_DAYS}
        return _("%(procedure)s: %(cases)d no-shows in %(days)d days.") % {
            "procedure": name, "cases": self.cases, "days": PERIOD_DAYS}

    @property
    def title(self) -> str:
        name = self.procedure.name
        return {
            HANDLING: _("Shorten the handling of %(procedure)s"),
            PREFILL: _("Use the no-writing counter for %(procedure)s"),
            ADDED: _("Catch %(procedure)s at reception"),
            NO_SHOW: _("Fewer no-shows at %(procedure)s"),
        }[self.kind] % {"procedure": name}

    @property
    def pain(self) -> str:
        return {
            HANDLING: _("The counter's records show long handling times: visitors wait and staff time goes."),
            PREFILL: _("Staff and residents still write forms by hand that could be printed pre-filled."),
            ADDED: _("The procedure is often found missing only at a counter, so the visitor queues again."),
            NO_SHOW: _("Many visitors leave before they are called; they come back another day."),
        }[self.kind]


def _since():
    return timezone.now() - timedelta(days=PERIOD_DAYS)


def _step_procedures(step_ids) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    through = Step.procedures.through.objects.filter(step_id__in=step_ids)
    for step_id, procedure_id in through.values_list("step_id", "procedure_id"):
        out[step_id].append(procedure_id)
    return out


def _done_steps(since) -> dict[int, float]:
    """step id → handling minutes, for the Steps completed since ``since``."""
    return {pk: (done - started).total_seconds() / 60 for pk, started, done in Step.objects.filter(
        status=Step.Status.DONE, completed_at__gte=since, started_at__isnull=False).values_list(
        "pk", "started_at", "completed_at")}


def _handling(done: dict[int, float], procedures: dict[int, list[int]]) -> dict[int, tuple[int, float]]:
    minutes: dict[int, list[float]] = defaultdict(list)
    for step_id, value in done.items():
        for procedure_id in procedures.get(step_id, ()):
            minutes[procedure_id].append(value)
    return {pid: (len(values), statistics.median(values)) for pid, values in minutes.items()
            if len(values) >= MIN_CASES}


def _prefill(done: dict[int, float], procedures: dict[int, list[int]], with_forms: set[int]
             ) -> dict[int, tuple[int, float]]:
    prefilled = set(StepPrefill.objects.filter(step_id__in=done, forms_printed_at__isnull=False)
                    .values_list("step_id", flat=True))
    steps: dict[int, list[bool]] = defaultdict(list)
    for step_id in done:
        for procedure_id in procedures.get(step_id, ()):
            if procedure_id in with_forms:
                steps[procedure_id].append(step_id in prefilled)
    return {pid: (len(flags), sum(flags) / len(flags)) for pid, flags in steps.items() if len(flags) >= MIN_CASES}


def _added(since, codes: dict[str, int]) -> dict[int, tuple[int, float]]:
    counts: dict[int, int] = defaultdict(int)
    for details in StepEvent.objects.filter(kind=StepEvent.Kind.ADDED, at__gte=since).values_list(
            "details", flat=True):
        for code in details.get("procedures", []):
            if code in codes:
                counts[codes[code]] += 1
    return {pid: (n, float(n)) for pid, n in counts.items() if n >= MIN_CASES}


def _no_shows(since) -> dict[int, tuple[int, float]]:
    step_ids = list(StepEvent.objects.filter(kind=StepEvent.Kind.NO_SHOW, at__gte=since).values_list(
        "step_id", flat=True))
    procedures = _step_procedures(list(set(step_ids)))
    counts: dict[int, int] = defaultdict(int)
    for step_id in step_ids:
        for procedure_id in procedures.get(step_id, ()):
            counts[procedure_id] += 1
    return {pid: (n, float(n)) for pid, n in counts.items() if n >= MIN_CASES}


def _form_procedures(codes: dict[str, int]) -> set[int]:
    try:
        forms = ward_forms()
    except FormsInvalid:  # a broken forms catalogue must not take the desk's page down with it
        return set()
    return {codes[code] for form in forms for code in form.procedures if code in codes}


def ideas(*, fiscal_year: int) -> dict[str, list[Idea]]:
    """The top ideas of each kind, with the consultation already opened for each (if any)."""
    since = _since()
    catalogue = {p.pk: p for p in Procedure.objects.select_related("department")}
    codes = {p.code: p.pk for p in catalogue.values()}
    done = _done_steps(since)
    procedures = _step_procedures(list(done))
    figures = {
        HANDLING: sorted(_handling(done, procedures).items(), key=lambda item: -item[1][1]),
        PREFILL: sorted(_prefill(done, procedures, _form_procedures(codes)).items(), key=lambda item: item[1][1]),
        ADDED: sorted(_added(since, codes).items(), key=lambda item: -item[1][0]),
        NO_SHOW: sorted(_no_shows(since).items(), key=lambda item: -item[1][0]),
    }
    out = {kind: [Idea(kind=kind, procedure=catalogue[pid], cases=cases, figure=figure, fiscal_year=fiscal_year)
                  for pid, (cases, figure) in rows[:TOP]] for kind, rows in figures.items()}
    opened = {c.idea_key: c for c in Consultation.objects.filter(
        idea_key__in=[idea.key for rows in out.values() for idea in rows])}
    for rows in out.values():
        for idea in rows:
            idea.consultation = opened.get(idea.key)
    return out


def idea_by_key(key: str, *, fiscal_year: int) -> Idea | None:
    return next((idea for rows in ideas(fiscal_year=fiscal_year).values() for idea in rows if idea.key == key), None)
