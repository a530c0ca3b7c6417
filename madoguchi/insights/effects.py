"""The effect of each digital service, read from the roll-ups (estimates: ``estimators``).

* **prefill** (書かない窓口): handling time of Steps whose forms were printed pre-filled against Steps
  that were not, over the Steps carrying a procedure with a pre-fillable form; strata: the same counter
  and the same set of procedures.
* **preapplication** (事前申請): the same comparison, visits registered from a pre-application against
  the others.
* **appointment** (窓口予約): the wait of visits with an appointment against walk-ins, at the same
  counter in the same hour.
* **navigator** (手続きナビ): the share of visits that had a procedure added at a counter, visits
  registered from a navigator QR code against the others bringing as many procedures (1, 2–3, 4+).
* **cashless**: measured by the payments app when it is installed (see ``cashless_effect``).

Usage rates over time are per ISO week (Monday), per counter and per procedure.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db.models import Sum
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext_lazy as _

from madoguchi.catalog.models import Counter, Procedure
from madoguchi.prefill.selectors import ward_forms

from .estimators import (
    Counts,
    MeanEffect,
    Moments,
    ShareEffect,
    ShareStratum,
    Stratum,
    stratified_mean_effect,
    stratified_share_effect,
)
from .figures import Scope
from .models import ChannelWaitRollup, ProcedureRollup, Service, StratumRollup, VisitRollup

SERVICES = (Service.PREFILL, Service.PREAPPLICATION, Service.APPOINTMENT, Service.NAVIGATOR)
MEASURES = {
    Service.PREFILL: "handling_minutes", Service.PREAPPLICATION: "handling_minutes",
    Service.APPOINTMENT: "wait_minutes", Service.NAVIGATOR: "visits_with_added_procedures",
    Service.CASHLESS: "payment_minutes",
}
MEASURE_LABELS = {
    "handling_minutes": _("Handling time at the counter (minutes)"),
    "wait_minutes": _("Wait in the queue (minutes)"),
    "visits_with_added_procedures": _("Visits that had a procedure added at a counter"),
    "payment_minutes": _("Time to pay a fee (minutes)"),
}
SIZE_LABELS = {1: _("one procedure"), 2: _("two or three procedures"), 4: _("four or more procedures")}


def min_count() -> int:
    """Fewer visits than this on either side: the page says "too few to say" instead of a number."""
    return getattr(settings, "INSIGHTS_MIN_COUNT", 30)


def min_stratum_count() -> int:
    return getattr(settings, "INSIGHTS_MIN_STRATUM_COUNT", 10)


def payments_installed() -> bool:
    return apps.is_installed("madoguchi.payments")


@dataclass
class StratumResult:
    label: str
    counter: Counter | None
    procedures: list[str]
    effect: MeanEffect | ShareEffect
    usage_rate: float | None

    @property
    def enough(self) -> bool:
        return self.effect.n_with >= min_stratum_count() and self.effect.n_without >= min_stratum_count()


@dataclass
class ServiceEffect:
    service: str
    measure: str
    usage_rate: float | None
    usage_numerator: int
    usage_denominator: int
    effect: MeanEffect | ShareEffect | None
    strata: list[StratumResult] = field(default_factory=list)
    available: bool = True  # False: the service is not measured here (cashless without the payments app)

    @property
    def label(self) -> str:
        return str(Service(self.service).label)

    @property
    def measure_label(self) -> str:
        return str(MEASURE_LABELS[self.measure])


def _moments(row: dict, prefix: str) -> Moments:
    return Moments(int(row[f"{prefix}count"] or 0), float(row[f"{prefix}sum"] or 0), float(row[f"{prefix}sq"] or 0))


def _handling_effect(scope: Scope, service: str) -> ServiceEffect:
    """prefill or preapplication: handling time over the Steps with a pre-fillable form."""
    rows = (scope.rows(StratumRollup).filter(prefillable=True)
            .values("counter_id", "stratum", "channel", "prefilled")
            .annotate(handling_count=Sum("handling_count"), handling_sum=Sum("handling_sum"),
                      handling_sq=Sum("handling_sq")).order_by())
    groups: dict[tuple, list] = defaultdict(lambda: [Moments(0, 0, 0), Moments(0, 0, 0)])
    for row in rows:
        treated = row["prefilled"] if service == Service.PREFILL else row["channel"] == "preapplication"
        key = (row["counter_id"], row["stratum"])
        pair = groups[key]
        m = _moments(row, "handling_")
        index = 0 if treated else 1
        pair[index] = Moments(pair[index].n + m.n, pair[index].total + m.total, pair[index].squares + m.squares)
    strata = [Stratum(key, treated, control) for key, (treated, control) in groups.items()]
    effect = stratified_mean_effect(strata, min_count=min_count())
    counters = {c.pk: c for c in Counter.objects.filter(pk__in={k[0] for k in groups})}
    results = []
    for stratum in sorted(strata, key=lambda s: -s.treated.n):
        if not stratum.treated.n:
            continue
        total = stratum.treated.n + stratum.control.n
        results.append(StratumResult(
            stratum.key[1].replace("+", " + "), counters.get(stratum.key[0]), stratum.key[1].split("+"),
            stratified_mean_effect([stratum], min_count=min_stratum_count()), stratum.treated.n / total))
    if service == Service.PREFILL:
        numerator = sum(s.treated.n for s in strata)
        denominator = numerator + sum(s.control.n for s in strata)
    else:
        visits = scope.rows(VisitRollup, counter=False)
        numerator = visits.filter(channel="preapplication").aggregate(n=Sum("visits"))["n"] or 0
        denominator = visits.aggregate(n=Sum("visits"))["n"] or 0
    return ServiceEffect(service, MEASURES[service], numerator / denominator if denominator else None, numerator,
                         denominator, effect, results)


def _appointment_effect(scope: Scope) -> ServiceEffect:
    rows = (scope.rows(ChannelWaitRollup).values("counter_id", "hour", "channel")
            .annotate(wait_count=Sum("wait_count"), wait_sum=Sum("wait_sum"), wait_sq=Sum("wait_sq")).order_by())
    groups: dict[tuple, list] = defaultdict(lambda: [Moments(0, 0, 0), Moments(0, 0, 0)])
    for row in rows:
        pair = groups[(row["counter_id"], row["hour"])]
        index = 0 if row["channel"] == "appointment" else 1
        m = _moments(row, "wait_")
        pair[index] = Moments(pair[index].n + m.n, pair[index].total + m.total, pair[index].squares + m.squares)
    strata = [Stratum(key, t, c) for key, (t, c) in groups.items()]
    effect = stratified_mean_effect(strata, min_count=min_count())
    by_counter: dict[int, list[Stratum]] = defaultdict(list)
    for stratum in strata:
        by_counter[stratum.key[0]].append(stratum)
    counters = {c.pk: c for c in Counter.objects.filter(pk__in=list(by_counter))}
    results = []
    for counter_id, items in by_counter.items():
        treated = sum(s.treated.n for s in items)
        if not treated:
            continue
        total = treated + sum(s.control.n for s in items)
        counter = counters.get(counter_id)
        results.append(StratumResult(counter.name if counter else str(counter_id), counter, [],
                                     stratified_mean_effect(items, min_count=min_stratum_count()), treated / total))
    results.sort(key=lambda r: -r.effect.n_with)
    visits = scope.rows(VisitRollup, counter=False)
    numerator = visits.filter(channel="appointment").aggregate(n=Sum("visits"))["n"] or 0
    denominator = visits.aggregate(n=Sum("visits"))["n"] or 0
    return ServiceEffect(Service.APPOINTMENT, MEASURES[Service.APPOINTMENT],
                         numerator / denominator if denominator else None, numerator, denominator, effect, results)


def _navigator_effect(scope: Scope) -> ServiceEffect:
    rows = (scope.rows(VisitRollup, counter=False).values("size", "channel")
            .annotate(n=Sum("visits"), added=Sum("with_added")).order_by())
    groups: dict[int, list[list[int]]] = defaultdict(lambda: [[0, 0], [0, 0]])
    for row in rows:
        cell = groups[row["size"]][0 if row["channel"] == "navigator" else 1]
        cell[0] += row["n"] or 0
        cell[1] += row["added"] or 0
    strata = [ShareStratum((size,), Counts(*t), Counts(*c)) for size, (t, c) in sorted(groups.items())]
    effect = stratified_share_effect(strata, min_count=min_count())
    results = [StratumResult(str(SIZE_LABELS.get(s.key[0], s.key[0])), None, [],
                             stratified_share_effect([s], min_count=min_stratum_count()),
                             s.treated.n / (s.treated.n + s.control.n) if s.treated.n + s.control.n else None)
               for s in strata if s.treated.n]
    numerator = sum(t[0] for t, _c in groups.values())
    denominator = numerator + sum(c[0] for _t, c in groups.values())
    return ServiceEffect(Service.NAVIGATOR, MEASURES[Service.NAVIGATOR],
                         numerator / denominator if denominator else None, numerator, denominator, effect, results)


def cashless_effect(scope: Scope) -> ServiceEffect:
    """Cashless payment (キャッシュレス決済): its place is kept here for the payments app, which records
    how each fee was paid. Until that is wired, the service is listed (when the app is installed) with
    no figures rather than with made-up ones."""
    return ServiceEffect(Service.CASHLESS, MEASURES[Service.CASHLESS], None, 0, 0, None, [], available=False)


def service_effects(scope: Scope) -> list[ServiceEffect]:
    effects = [_handling_effect(scope, Service.PREFILL), _handling_effect(scope, Service.PREAPPLICATION),
               _appointment_effect(scope), _navigator_effect(scope)]
    if payments_installed():
        effects.append(cashless_effect(scope))
    return effects


def weekly_usage_by_counter(scope: Scope) -> list[dict]:
    """Per ISO week and counter: Steps with a pre-fillable form, how many pre-filled, how many came from a
    pre-application or an appointment."""
    rows = (scope.rows(StratumRollup).annotate(week=TruncWeek("day"))
            .values("week", "counter_id", "prefillable", "prefilled", "channel")
            .annotate(n=Sum("steps")).order_by("week", "counter_id"))
    table: dict[tuple, dict] = {}
    for row in rows:
        key = (row["week"], row["counter_id"])
        cell = table.setdefault(key, {"week": row["week"], "counter_id": row["counter_id"], "steps": 0,
                                      "prefillable": 0, "prefilled": 0, "preapplication": 0, "appointment": 0})
        n = row["n"] or 0
        cell["steps"] += n
        if row["prefillable"]:
            cell["prefillable"] += n
            cell["prefilled"] += n if row["prefilled"] else 0
        if row["channel"] in ("preapplication", "appointment"):
            cell[row["channel"]] += n
    counters = {c.pk: c for c in Counter.objects.filter(pk__in={k[1] for k in table})}
    out = []
    for key in sorted(table):
        cell = table[key]
        cell["counter"] = counters.get(cell.pop("counter_id"))
        out.append(cell)
    return out


def weekly_usage_by_procedure(scope: Scope) -> list[dict]:
    """Per ISO week and procedure: the Steps carrying it, how many pre-filled (always 0 for a procedure
    without a pre-fillable form, even on a Step whose other procedure's forms were pre-filled), how many
    came from a pre-application or an appointment. A Step carrying two procedures counts for each (as in
    the dashboard's procedure table).

    Steps and pre-fills come from the per-procedure roll-up (integer keys); only the few strata of
    pre-application and appointment Steps are grouped by their procedure codes — a year stays cheap."""
    prefillable = {code for form in ward_forms() for code in form.procedures}
    procedures = {p.pk: p for p in Procedure.objects.all()}
    table: dict[tuple, dict] = {}
    for row in (scope.rows(ProcedureRollup).annotate(week=TruncWeek("day")).values("week", "procedure_id")
                .annotate(n=Sum("steps"), prefilled=Sum("prefilled"))):
        procedure = procedures[row["procedure_id"]]
        table[(row["week"], procedure.code)] = {
            "week": row["week"], "code": procedure.code, "procedure": procedure, "steps": row["n"] or 0,
            "prefillable": procedure.code in prefillable,
            "prefilled": (row["prefilled"] or 0) if procedure.code in prefillable else 0,
            "preapplication": 0, "appointment": 0}
    for row in (scope.rows(StratumRollup).filter(channel__in=("preapplication", "appointment"))
                .annotate(week=TruncWeek("day")).values("week", "stratum", "channel").annotate(n=Sum("steps"))):
        for code in row["stratum"].split("+"):
            cell = table.get((row["week"], code))
            if cell is not None:
                cell[row["channel"]] += row["n"] or 0
    return [table[key] for key in sorted(table, key=lambda k: (k[0], table[k]["procedure"].sort_order, k[1]))]
