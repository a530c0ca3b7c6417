"""What the simulator is given: the ward's catalogue as plain data, and a day's profile. Pure (no Django).

The catalogue is read from ``catalog/*.yaml`` with the catalogue's own parser (the live system loads
the same files into its database). The profile (``insights/profiles/*.yaml``) says how many visitors
come in each hour, which procedures they bring, how long handling varies, how many desks are
staffed, and how many visits use pre-application or the no-writing counter.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from madoguchi.catalog.schema import CatalogInvalid, parse_catalog
from madoguchi.catalog.yamlsource import Located, Problem, YamlSyntaxError, dotted, read_yaml, read_yaml_directory
from madoguchi.prefill.layouts import load_forms
from madoguchi.reception import routing

PROFILES_DIR = Path(__file__).resolve().parent.parent / "profiles"
DEFAULT_PROFILE = PROFILES_DIR / "peak_day.yaml"
# Reception (受付) is on the ground floor: the first walk of a visit starts there.
RECEPTION_FLOOR = 1


# --- the catalogue, as the simulator sees it ----------------------------------------------------


@dataclass(frozen=True)
class CounterSpec:
    code: str
    name_ja: str
    name_en: str
    floor: int
    desks: int  # the catalogue's desk count: the staffing of an hour the profile does not name
    rank: int  # position in the catalogue: the fixed route of policies (a) and (b) follows it
    department: str = ""  # the section whose staff work it: desks move only between one section's counters


@dataclass(frozen=True)
class ProcedureSpec:
    code: str
    typical_minutes: float
    counters: tuple[str, ...]  # counters at the simulated site that serve it, in preference order
    prerequisites: frozenset[str]
    prefillable: bool  # a pre-filled application form exists for it (catalog/forms)


@dataclass(frozen=True)
class Office:
    """One site's counters and the procedures served there."""

    site: str
    counters: Mapping[str, CounterSpec]
    procedures: Mapping[str, ProcedureSpec]

    def counter_plan(self, codes) -> dict[str, tuple[str, ...]]:
        """Which counter does which of ``codes``: the live registration's ``routing.assign_counters``."""
        options = {code: list(self.procedures[code].counters) for code in codes}
        return {counter: tuple(done) for counter, done in routing.assign_counters(options).items()}

    def prerequisites(self, codes) -> dict[str, frozenset[str]]:
        return {code: self.procedures[code].prerequisites for code in codes}

    @property
    def typical_minutes(self) -> dict[str, float]:
        return {code: p.typical_minutes for code, p in self.procedures.items()}


def load_office(catalog_dir: Path, site: str) -> Office:
    """The site's part of the catalogue in ``catalog_dir`` (raises the catalogue's own ``CatalogInvalid``)."""
    catalog_dir = Path(catalog_dir)
    sources, problems = read_yaml_directory(catalog_dir)
    if problems:
        raise CatalogInvalid(problems)
    data = parse_catalog(sources)
    if site not in {s.code for s in data.sites}:
        raise ProfileInvalid([Problem(str(catalog_dir), None, "site", f"no site {site!r} in the catalogue")])
    counters = {}
    for rank, entry in enumerate(c for c in data.counters if c.site == site):
        counters[entry.code] = CounterSpec(entry.code, entry.name_ja, entry.name_en, entry.floor, entry.desks, rank,
                                           entry.department)
    prefillable: set[str] = set()
    forms_dir = catalog_dir / "forms"
    if forms_dir.is_dir():
        for form in load_forms(forms_dir, procedure_codes={p.code for p in data.procedures}):
            prefillable.update(form.procedures)
    procedures = {}
    for entry in data.procedures:
        here = tuple(c for c in entry.counters if c in counters)
        if here:
            procedures[entry.code] = ProcedureSpec(
                entry.code, float(entry.handling_minutes), here, frozenset(entry.prerequisites),
                entry.code in prefillable)
    return Office(site=site, counters=counters, procedures=procedures)


# --- the profile of a day -----------------------------------------------------------------------


class ProfileInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


Clock = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VisitKind(_Strict):
    weight: float = Field(gt=0)
    procedures: list[str] = Field(min_length=1)
    label: str = ""


class Handling(_Strict):
    # Handling time of one procedure: lognormal around the catalogue's typical minutes, this
    # coefficient of variation (standard deviation ÷ mean). ``exponential`` (cv 1 whatever ``cv``
    # says) is there for the queueing-theory checks (M/M/c): offices are not that memoryless.
    cv: float = Field(ge=0, le=3)
    distribution: Literal["lognormal", "exponential"] = "lognormal"


class Prefill(_Strict):
    share: float = Field(ge=0, le=1)
    saving: float = Field(ge=0, le=0.95)


class Priority(_Strict):
    share: float = Field(ge=0, le=1)
    advance_minutes: float = Field(ge=0, le=240)


class Walk(_Strict):
    base_minutes: float = Field(ge=0, le=30)
    per_floor_minutes: float = Field(ge=0, le=30)


class Profile(_Strict):
    name: str
    site: str
    opens: Clock
    closes: Clock
    arrivals_per_hour: dict[int, float]
    visit_mix: list[VisitKind] = Field(min_length=1)
    handling: Handling
    prefill: Prefill
    priority: Priority
    walk: Walk
    staffing: dict[str, dict[str | int, int]] = {}

    @field_validator("arrivals_per_hour")
    @classmethod
    def _hours(cls, value: dict[int, float]) -> dict[int, float]:
        for hour, count in value.items():
            if not 0 <= hour <= 23 or count < 0:
                raise ValueError(f"hour {hour}: hours are 0–23 and counts at least 0")
        return value

    @field_validator("staffing")
    @classmethod
    def _staffing(cls, value: dict[str, dict[str | int, int]]) -> dict[str, dict[str | int, int]]:
        for counter, hours in value.items():
            for hour, desks in hours.items():
                if hour != "all" and not (isinstance(hour, int) and 0 <= hour <= 23):
                    raise ValueError(f"{counter}: an hour is 0–23 or 'all', not {hour!r}")
                if not 0 <= desks <= 99:
                    raise ValueError(f"{counter}: desks are 0–99, not {desks}")
        return value

    @property
    def opens_minute(self) -> float:
        return _minutes(self.opens)

    @property
    def closes_minute(self) -> float:
        return _minutes(self.closes)

    def with_changes(self, *, desks: Mapping[str, int] | None = None, prefill_share: float | None = None) -> "Profile":
        """The what-if: ``desks`` staffed all day at the named counters; another pre-fill share."""
        update: dict = {}
        if desks:
            staffing = dict(self.staffing)
            for counter, count in desks.items():
                staffing[counter] = {"all": int(count)}
            update["staffing"] = staffing
        if prefill_share is not None:
            update["prefill"] = self.prefill.model_copy(update={"share": float(prefill_share)})
        return self.model_validate({**self.model_dump(), **update}) if update else self


def _minutes(clock: str) -> float:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class Staffing:
    """Desks staffed per counter and clock hour. After closing the last hour's desks stay until
    everyone inside has been served (the doors close, the counters finish the day's visitors)."""

    opens: float
    closes: float
    desks_by_hour: Mapping[str, tuple[int, ...]]  # counter → 24 hourly desk counts

    def desks(self, counter: str, minute: float) -> int:
        hour = int(min(minute, self.closes - 1e-6) // 60)
        return self.desks_by_hour[counter][max(0, hour)]

    def changes(self, counter: str) -> list[float]:
        """The minutes (before closing) at which the counter's staffing changes."""
        table = self.desks_by_hour[counter]
        first = int(self.opens // 60) + 1
        return [h * 60.0 for h in range(first, 24) if h * 60 < self.closes and table[h] != table[h - 1]]

    def desk_range(self, counter: str) -> tuple[int, int]:
        """The fewest and the most desks staffed in an opening hour."""
        first, last = int(self.opens // 60), int((self.closes - 1e-6) // 60)
        hours = self.desks_by_hour[counter][first:last + 1]
        return min(hours), max(hours)

    def most(self, counter: str) -> int:
        return self.desk_range(counter)[1]

    def staffed_minutes(self, counter: str) -> float:
        """Desk-minutes staffed from opening to closing."""
        total, minute = 0.0, self.opens
        while minute < self.closes:
            end = min(self.closes, (int(minute // 60) + 1) * 60.0)
            total += (end - minute) * self.desks(counter, minute)
            minute = end
        return total


def minutes_open(hour: int, opens: float, closes: float) -> float:
    """The minutes of clock hour ``hour`` between ``opens`` and ``closes`` (minutes of the day; 0 outside)."""
    return max(0.0, min((hour + 1) * 60.0, closes) - max(hour * 60.0, opens))


def staffing_of(profile: Profile, office: Office) -> Staffing:
    table = {}
    for code, counter in office.counters.items():
        hours = profile.staffing.get(code, {})
        default = hours.get("all", counter.desks)
        table[code] = tuple(hours.get(h, default) for h in range(24))
    return Staffing(profile.opens_minute, profile.closes_minute, table)


def _problems_from(error: ValidationError, source: Located) -> list[Problem]:
    problems = []
    for err in error.errors():
        path = tuple(err["loc"])
        problems.append(Problem(source.file, source.line_of(path), dotted(path), err["msg"]))
    return problems


def parse_profile(text: str, name: str, office: Office) -> Profile:
    """The profile in ``text`` (file ``name``), checked against the office; ``ProfileInvalid`` names
    every problem with its line."""
    try:
        source = read_yaml(text, name)
    except YamlSyntaxError as error:
        raise ProfileInvalid([error.problem]) from error
    try:
        profile = Profile.model_validate(source.data)
    except ValidationError as error:
        raise ProfileInvalid(_problems_from(error, source)) from error
    problems = []

    def problem(path: tuple, message: str) -> None:
        problems.append(Problem(source.file, source.line_of(path), dotted(path), message))

    if profile.site != office.site:
        problem(("site",), f"the office loaded is {office.site!r}, the profile is for {profile.site!r}")
    if profile.closes_minute <= profile.opens_minute:
        problem(("closes",), "closing time must be after opening time")
    for hour, count in profile.arrivals_per_hour.items():
        if count > 0 and min((hour + 1) * 60, profile.closes_minute) <= max(hour * 60, profile.opens_minute):
            problem(("arrivals_per_hour", hour), f"hour {hour} is outside the opening hours")
    for index, kind in enumerate(profile.visit_mix):
        for position, code in enumerate(kind.procedures):
            if code not in office.procedures:
                problem(("visit_mix", index, "procedures", position),
                        f"procedure {code!r} is not handled at site {office.site!r}")
    for counter in profile.staffing:
        if counter not in office.counters:
            problem(("staffing", counter), f"no counter {counter!r} at site {office.site!r}")
    if not problems:
        for counter in unstaffed_counters(profile, office):
            problem(("staffing", counter), UNSTAFFED)
    if problems:
        raise ProfileInvalid(problems)
    return profile


UNSTAFFED = ("the visit mix needs this counter: staff at least one desk in the last hour (it serves those still "
             "waiting at closing)")


def unstaffed_counters(profile: Profile, office: Office) -> list[str]:
    """Counters the visit mix needs that have no desk in the last hour: their visitors would never leave."""
    staffing = staffing_of(profile, office)
    needed = {c for kind in profile.visit_mix for c in office.counter_plan(kind.procedures)}
    return [c for c in sorted(needed) if staffing.desks(c, staffing.closes) < 1]


def what_if(profile: Profile, office: Office, *, desks: Mapping[str, int] | None = None,
            prefill_share: float | None = None) -> Profile:
    """``profile`` with ``desks`` staffed all day at the named counters and another pre-fill share;
    ``ProfileInvalid`` names an unknown counter or one left without a desk that the visitors need."""
    desks = dict(desks or {})
    problems = [Problem("what-if", None, f"desks.{code}", f"no counter {code!r} at site {office.site!r}")
                for code in desks if code not in office.counters]
    if prefill_share is not None and not 0 <= prefill_share <= 1:
        problems.append(Problem("what-if", None, "prefill_share", "a share is between 0 and 1"))
    if problems:
        raise ProfileInvalid(problems)
    changed = profile.with_changes(desks=desks, prefill_share=prefill_share)
    unstaffed = unstaffed_counters(changed, office)
    if unstaffed:
        raise ProfileInvalid([Problem("what-if", None, f"desks.{code}", UNSTAFFED) for code in unstaffed])
    return changed


def load_profile(path: Path, office: Office) -> Profile:
    path = Path(path)
    return parse_profile(path.read_text(encoding="utf-8"), path.name, office)


def available_profiles(directory: Path = PROFILES_DIR) -> list[Path]:
    return sorted(Path(directory).glob("*.yaml"))


def profile_site(path: Path) -> str:
    """The site a profile file is for (read before the office is loaded, to load the right one)."""
    path = Path(path)
    try:
        source = read_yaml(path.read_text(encoding="utf-8"), path.name)
    except YamlSyntaxError as error:
        raise ProfileInvalid([error.problem]) from error
    site = source.data.get("site") if isinstance(source.data, dict) else None
    if not isinstance(site, str) or not site:
        raise ProfileInvalid([Problem(source.file, source.line_of(()), "site", "the profile must name its site")])
    return site


def load_inputs(profile_path: Path, office_for) -> tuple[Office, Profile]:
    """The profile at ``profile_path`` and the office of its site, ``office_for(site)``."""
    office = office_for(profile_site(profile_path))
    return office, load_profile(profile_path, office)
