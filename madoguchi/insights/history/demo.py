"""The demo history: past office days drawn by the simulator, with the year's rhythm. Pure (no Django).

``demo_day`` turns one calendar day into the visits, Steps and their times that ``services`` writes as
step events marked demo. The day's visitors are the ordinary day's (``ordinary_day.yaml``) scaled by
the calendar features of ``insights.calendar`` (weekday, month start and end, the day after a holiday,
the moving season, the ward's busy days), drawn and run through the SimPy model under policy (c) —
the live routing and wait estimate — so the waits, the estimate shown at each queue join and the
handling times are those the product would have recorded. Channels, appointments and procedures added
mid-visit are drawn per visit on their own random stream; the pre-fill share and saving are the
profile's (``--prefill-share``/``--prefill-saving`` override them), so a test can plant a known effect.
"""

import dataclasses
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from madoguchi.catalog.yamlsource import Problem, YamlSyntaxError, dotted, read_yaml

from ..calendar import OfficeCalendar
from ..simulation import Office, Profile, ProfileInvalid, draw_visits, load_profile, run_policy
from ..simulation.inputs import PROFILES_DIR

DEMO_HISTORY = Path(__file__).resolve().parent / "demo_history.yaml"
CHANNELS = ("reception", "kiosk", "navigator", "preapplication", "appointment", "api")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MovingSeason(_Strict):
    peak: float = Field(gt=0)
    shoulder: float = Field(gt=0)
    moves_extra: float = Field(gt=0)
    moves: list[str]


class AddedMidVisit(_Strict):
    navigator: float = Field(ge=0, le=1)
    other: float = Field(ge=0, le=1)


class Staffing(_Strict):
    factor: float = Field(gt=0, le=5)
    lunch_share: float = Field(ge=0, lt=1)


class HistoryProfile(_Strict):
    name: str
    base_profile: str
    scale: float = Field(default=1.0, gt=0, le=20)
    weekday: dict[int, float]
    month_start: float = Field(gt=0)
    month_end: float = Field(gt=0)
    after_holiday: float = Field(gt=0)
    months: dict[int, float] = {}
    moving_season: MovingSeason
    ward_days: dict[str, float] = {}
    extra_opening: float = Field(gt=0)
    trend_per_year: float = Field(ge=-0.5, le=0.5)
    channels: dict[str, float]
    preapplication_of_prefilled: float = Field(ge=0, le=1)
    appointment_advance_minutes: float = Field(ge=0, le=240)
    added_mid_visit: AddedMidVisit
    staffing: Staffing


def load_history_profile(path: Path = DEMO_HISTORY) -> HistoryProfile:
    """The history profile at ``path``; ``ProfileInvalid`` names every problem with its line."""
    path = Path(path)
    try:
        source = read_yaml(path.read_text(encoding="utf-8"), path.name)
    except YamlSyntaxError as error:
        raise ProfileInvalid([error.problem]) from error
    try:
        profile = HistoryProfile.model_validate(source.data)
    except ValidationError as error:
        raise ProfileInvalid([Problem(source.file, source.line_of(tuple(e["loc"])), dotted(tuple(e["loc"])), e["msg"])
                              for e in error.errors()]) from error
    unknown = [c for c in profile.channels if c not in CHANNELS or c == "preapplication"]
    if unknown:
        raise ProfileInvalid([Problem(source.file, source.line_of(("channels",)), "channels",
                                      f"unknown channel(s) {unknown} (pre-application follows the pre-fill share)")])
    return profile


def base_profile(history: HistoryProfile, office: Office, directory: Path = PROFILES_DIR) -> Profile:
    return load_profile(Path(directory) / history.base_profile, office)


@dataclass(frozen=True)
class DemoStep:
    counter: str
    procedures: tuple[str, ...]
    joined: float  # minutes after the day's midnight
    called: float
    started: float
    done: float
    desk: int | None
    estimate: float | None  # the wait the product showed on joining (None: no desk was open)
    prefilled: bool


@dataclass(frozen=True)
class DemoVisit:
    arrival: float
    departure: float
    priority_advance: float
    channel: str
    procedures_added: int
    steps: tuple[DemoStep, ...]


@dataclass(frozen=True)
class DemoDay:
    day: date
    visits: list[DemoVisit]
    expected_visits: float


def _trend(history: HistoryProfile, day: date, anchor: date) -> float:
    return (1 + history.trend_per_year) ** ((day - anchor).days / 365.25)


def seasonal_factor(history: HistoryProfile, features: Mapping[str, float]) -> float:
    """The factor of the season (month, moving season) alone: what the ward staffs for."""
    if features["moving_peak"]:
        return history.moving_season.peak
    if features["moving_shoulder"]:
        return history.moving_season.shoulder
    return history.months.get(int(features["month"]), 1.0)


def day_factor(history: HistoryProfile, features: Mapping[str, float]) -> float:
    """Every visitor's factor on a day with these calendar ``features`` (besides the season)."""
    factor = history.weekday.get(int(features["weekday"]), 1.0)
    if features["month_start"]:
        factor *= history.month_start
    if features["month_end"]:
        factor *= history.month_end
    if features["after_holiday"]:
        factor *= history.after_holiday
    if features.get("extra_opening"):
        factor *= history.extra_opening
    return factor


def kind_factors(history: HistoryProfile, profile: Profile, office: Office, features: Mapping[str, float],
                 calendar: OfficeCalendar, *, busy_days: bool = True) -> list[float]:
    """One factor per visit kind of ``profile``: moving visits in the season, the ward's busy days."""
    moves = set(history.moving_season.moves)
    extra = 1.0
    if features["moving_peak"]:
        extra = history.moving_season.moves_extra
    elif features["moving_shoulder"]:
        extra = math.sqrt(history.moving_season.moves_extra)
    busy = [(spec, history.ward_days[spec.code]) for spec in calendar.busy_days
            if busy_days and spec.code in history.ward_days and features.get(f"ward:{spec.code}")]
    factors = []
    for kind in profile.visit_mix:
        factor = extra if moves & set(kind.procedures) else 1.0
        counters = set(office.counter_plan(kind.procedures))
        for spec, size in busy:
            if not spec.counters or counters & set(spec.counters):
                factor *= size
        factors.append(factor)
    return factors


def _scaled_profile(profile: Profile, factor: float, weights: list[float]) -> Profile:
    base_total = sum(k.weight for k in profile.visit_mix)
    mix_factor = sum(k.weight * w for k, w in zip(profile.visit_mix, weights, strict=True)) / base_total
    data = profile.model_dump()
    data["arrivals_per_hour"] = {h: c * factor * mix_factor for h, c in profile.arrivals_per_hour.items()}
    data["visit_mix"] = [{**k.model_dump(), "weight": k.weight * w}
                         for k, w in zip(profile.visit_mix, weights, strict=True)]
    return Profile.model_validate(data)


def staffing_for(profile: Profile, office: Office, *, factor: float, lunch_share: float) -> dict[str, dict]:
    """Desks per counter: the expected desk-minutes of ``profile``'s day ÷ the minutes open × ``factor``."""
    total_weight = sum(k.weight for k in profile.visit_mix)
    visits = sum(profile.arrivals_per_hour.values())
    minutes: dict[str, float] = {code: 0.0 for code in office.counters}
    for kind in profile.visit_mix:
        share = kind.weight / total_weight
        for counter, codes in office.counter_plan(kind.procedures).items():
            minutes[counter] += visits * share * sum(office.procedures[c].typical_minutes for c in codes)
    open_minutes = profile.closes_minute - profile.opens_minute
    staffing = {}
    for counter, needed in minutes.items():
        desks = max(1, math.ceil(factor * needed / open_minutes))
        staffing[counter] = {"all": desks, 12: max(1, desks - round(lunch_share * desks))}
    return staffing


def day_profile(history: HistoryProfile, base: Profile, office: Office, calendar: OfficeCalendar, day: date, *,
                anchor: date, prefill_share: float | None = None, prefill_saving: float | None = None) -> Profile:
    """The profile of ``day``: the ordinary day's visitors × the day's factors, staffed for the season."""
    features = calendar.features(day)
    season = seasonal_factor(history, features) * history.scale * _trend(history, day, anchor)
    seasonal = _scaled_profile(base, season, kind_factors(history, base, office, features, calendar, busy_days=False))
    staffing = staffing_for(seasonal, office, factor=history.staffing.factor, lunch_share=history.staffing.lunch_share)
    weights = kind_factors(history, base, office, features, calendar)
    profile = _scaled_profile(base, season * day_factor(history, features), weights)
    prefill = profile.prefill.model_copy(update={
        **({"share": prefill_share} if prefill_share is not None else {}),
        **({"saving": prefill_saving} if prefill_saving is not None else {})})
    return Profile.model_validate({**profile.model_dump(), "staffing": staffing, "prefill": prefill.model_dump()})


def demo_day(history: HistoryProfile, base: Profile, office: Office, calendar: OfficeCalendar, day: date, *,
             seed: int, anchor: date, prefill_share: float | None = None,
             prefill_saving: float | None = None, policy: str = "c") -> DemoDay:
    """One office day of demo visits, drawn with ``seed`` (the same seed and day draw the same visitors).
    ``policy``: the simulator's handoff policy, (c) the live one; (b), the fixed route, runs twice as fast
    (the benchmark's year of history uses it)."""
    profile = day_profile(history, base, office, calendar, day, anchor=anchor, prefill_share=prefill_share,
                          prefill_saving=prefill_saving)
    planned = draw_visits(office, profile, seed * 1_000_000 + day.toordinal() % 1_000_000)
    rng = random.Random(f"madoguchi-demo:{seed}:{day.isoformat()}")
    channels, weights = zip(*history.channels.items(), strict=True)
    attributes = {}
    adjusted = []
    for visit in planned:
        channel_draw, added_draw, preapp_draw = rng.choices(channels, weights)[0], rng.random(), rng.random()
        channel = "preapplication" if visit.prefilled and preapp_draw < history.preapplication_of_prefilled \
            else channel_draw
        chance = history.added_mid_visit.navigator if channel == "navigator" else history.added_mid_visit.other
        added = 1 if visit.multi_procedure and added_draw < chance else 0
        if channel == "appointment":
            visit = dataclasses.replace(visit, priority_advance=max(visit.priority_advance,
                                                                    history.appointment_advance_minutes))
        attributes[visit.visit_id] = (channel, added)
        adjusted.append(visit)
    run = run_policy(office, profile, adjusted, policy)
    by_visit: dict[int, list] = {}
    for step in run.steps:
        by_visit.setdefault(step.visit_id, []).append(step)
    plans = {v.visit_id: v for v in adjusted}
    visits = []
    for record in run.visits:
        plan = plans[record.visit_id]
        channel, added = attributes[record.visit_id]
        steps = tuple(
            DemoStep(s.counter, s.procedures, s.joined, s.called, s.started, s.done, s.desk,
                     s.estimate if math.isfinite(s.estimate) else None,
                     plan.prefilled and any(office.procedures[c].prefillable for c in s.procedures))
            for s in sorted(by_visit.get(record.visit_id, []), key=lambda s: s.joined))
        visits.append(DemoVisit(plan.arrival, record.departure, plan.priority_advance, channel, added, steps))
    return DemoDay(day, visits, sum(profile.arrivals_per_hour.values()))
