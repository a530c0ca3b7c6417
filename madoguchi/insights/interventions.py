"""Before and after an intervention (効果検証): each service's usage in the weeks before its date against
the weeks from it, with the change's 95% interval (Newcombe), and each service's effect in both periods.

A change in usage after a poster is evidence, not proof: the season changes too. The page says so and
shows the same weeks' figures for every service, so a rise of one service alone stands out.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import effects
from .estimators import ProportionChange, proportion_change
from .figures import Scope
from .models import Intervention, Service, StratumRollup, VisitRollup
from .tables import Column, Table


@dataclass
class UsageChange:
    service: str
    label: str
    events_before: int
    change: ProportionChange
    events_after: int
    targeted: bool


@dataclass
class BeforeAfter:
    intervention: Intervention
    before: Scope
    after: Scope
    usage: list[UsageChange]
    effects_before: list[effects.ServiceEffect]
    effects_after: list[effects.ServiceEffect]
    days_after: int


def _usage(scope: Scope) -> dict[str, tuple[int, int]]:
    """{service: (users, out of)} in ``scope``."""
    visits = scope.rows(VisitRollup, counter=False).aggregate(
        n=Sum("visits"), pre=Sum("visits", filter=Q(channel="preapplication")),
        app=Sum("visits", filter=Q(channel="appointment")), nav=Sum("visits", filter=Q(channel="navigator")))
    steps = scope.rows(StratumRollup).filter(prefillable=True).aggregate(
        n=Sum("steps"), prefilled=Sum("steps", filter=Q(prefilled=True)))
    n = visits["n"] or 0
    return {Service.PREFILL: (steps["prefilled"] or 0, steps["n"] or 0),
            Service.PREAPPLICATION: (visits["pre"] or 0, n), Service.APPOINTMENT: (visits["app"] or 0, n),
            Service.NAVIGATOR: (visits["nav"] or 0, n)}


def before_after(intervention: Intervention, *, weeks: int = 4) -> BeforeAfter:
    today = timezone.localdate()
    site = intervention.site or (intervention.counter.site if intervention.counter else None)
    before = Scope(intervention.day - timedelta(weeks=weeks), intervention.day - timedelta(days=1), site,
                   intervention.counter)
    after = Scope(intervention.day, min(today, intervention.day + timedelta(weeks=weeks) - timedelta(days=1)), site,
                  intervention.counter)
    usage_before, usage_after = _usage(before), _usage(after)
    usage = []
    for service in effects.SERVICES:
        (e0, n0), (e1, n1) = usage_before[service], usage_after[service]
        usage.append(UsageChange(service, str(Service(service).label), e0,
                                 proportion_change(e0, n0, e1, n1, min_count=effects.min_count()), e1,
                                 service == intervention.service))
    usage.sort(key=lambda u: not u.targeted)
    return BeforeAfter(intervention, before, after, usage, effects.service_effects(before),
                       effects.service_effects(after), max(0, (after.end - after.start).days + 1))


def tables(comparison: BeforeAfter) -> list[Table]:
    usage = Table("usage", _("Usage before and after"), [
        Column("service", _("Service")), Column("before", _("Before"), "share"),
        Column("n_before", _("Out of (before)"), "int"), Column("after", _("After"), "share"),
        Column("n_after", _("Out of (after)"), "int"), Column("change", _("Change in points"), "points"),
        Column("ci95", _("Interval (95%) of the change"), "ci_points"), Column("verdict", _("What it says"))],
        note=_("Pre-filled forms: share of the handled steps with a pre-fillable form; the other services: share of "
               "visits. Interval: Newcombe's hybrid score method."))
    for item in comparison.usage:
        change = item.change
        if not change.enough:
            verdict = _("Too few to say")
        elif change.ci95 and change.ci95[0] > 0:
            verdict = _("Rose")
        elif change.ci95 and change.ci95[1] < 0:
            verdict = _("Fell")
        else:
            verdict = _("No clear change")
        label = f"{item.label} ★" if item.targeted else item.label
        usage.rows.append({"service": label, "before": change.share_before, "n_before": change.n_before,
                           "after": change.share_after, "n_after": change.n_after,
                           "change": change.difference if change.enough else None,
                           "ci95": change.ci95 if change.enough else None, "verdict": verdict})
    effect_rows = Table("effects", _("Effect before and after"), [
        Column("service", _("Service")), Column("before", _("Relative difference before"), "change"),
        Column("ci_before", _("Interval (95%) before"), "ci"),
        Column("after", _("Relative difference after"), "change"),
        Column("ci_after", _("Interval (95%) after"), "ci")])
    for before, after in zip(comparison.effects_before, comparison.effects_after, strict=True):
        b, a = before.effect, after.effect
        effect_rows.rows.append({
            "service": before.label,
            "before": b.relative if b and b.enough else None, "ci_before": b.ci95_relative if b and b.enough else None,
            "after": a.relative if a and a.enough else None, "ci_after": a.ci95_relative if a and a.enough else None})
    return [usage, effect_rows]
