"""The catalogue's shape and its cross-checks. Pure: no Django.

``parse_catalog([Located, ...])`` returns a ``CatalogData`` or raises ``CatalogInvalid`` with
every problem found (file, line, field, message), so a ward fixes a broken file in one go.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from . import eligibility
from .yamlsource import Located, Path, Problem, dotted

CODE_PATTERN = r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*$"
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN, max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Code
    name_ja: Text
    name_en: Text
    name_easy: str = ""


class SiteEntry(Entry):
    kind: Literal["main", "branch"]
    address_ja: str = ""


class DepartmentEntry(Entry):
    pass


class CounterEntry(Entry):
    site: Code
    department: Code
    floor: int = Field(ge=-5, le=60)
    number: Annotated[str, StringConstraints(min_length=1, max_length=10)]
    desks: int = Field(default=1, ge=1, le=99)


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ja: Text
    en: Text
    easy: str = ""


class ProcedureEntry(Entry):
    department: Code
    counters: list[Code] = Field(min_length=1)
    handling_minutes: int = Field(ge=1, le=600)
    fee_yen: int = Field(default=0, ge=0)
    documents: list[Document] = []
    deadline_days: int | None = Field(default=None, ge=0, le=3650)
    # 戸籍法 counts the day of the birth or death as day 1; most other laws start the day after.
    deadline_counts_event_day: bool = False
    online_url: str = ""
    kiosk_direct: bool = False  # on the kiosk's "certificates and other procedures" screen
    # A move of residence this procedure records: what "the address before the move", "after the move"
    # and "now" mean on the visit's forms (in: moving into the ward; within; out: leaving it).
    moves: Literal["in", "within", "out"] | None = None
    prerequisites: list[Code] = []
    # What else a fee may be beyond ``fee_yen`` (e.g. 750 yen for a closed register), in ja / en / easy.
    fee_note: Document | None = None


class LifeEventEntry(Entry):
    """A life event. ``asks``: the event facts the navigator asks for it (``moved_from`` …);
    ``marks``: the member fact that says who it is about (``deceased`` …), asked first."""

    procedures: list[Code] = []
    asks: list[str] = []
    marks: str = ""
    # Whether the person at the counter is one of the people the forms' member tables list (異動する人,
    # 加入する人): yes for a move, no for a birth or a death (the clerk can still change it).
    applicant_is_subject: bool = True


class RelationEntry(Entry):
    """How the navigator names a household member of this relation in a reason (ご本人, your child …)."""


class ReasonTexts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ja: LongText
    en: LongText
    easy: LongText


class RuleEntry(BaseModel):
    """When a procedure applies (see ``eligibility`` for the conditions' vocabulary)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    procedure: Code
    events: list[Code] = Field(min_length=1)
    when: dict[str, Any] = {}
    household: list[Any] = []
    member: dict[str, Any] | None = None
    required: bool = True
    reason: ReasonTexts
    # Where the rule was checked (a URL, or a law and its article) and when: a ward reviewing its rules
    # sees where each comes from. Optional here so that a missing one is reported in plain words.
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] | None = None
    checked: date | None = None

    def definition(self) -> dict:
        """The rule as stored (and dumped) beside its procedure: what was written, defaults left out."""
        return self.model_dump(mode="json", exclude={"procedure"}, exclude_defaults=True)


class WardDayEntry(Entry):
    """A day the ward knows to be unusual (catalog/calendar.yaml), for the congestion forecast.

    ``busy`` days (pension and allowance pay days, the days after tax notices go out …) are a feature
    the forecast learns an effect for; ``closed`` and ``open`` days override the usual office days
    (weekdays that are not public holidays nor 12/29–1/3), e.g. a Sunday opening in March.

    The days: explicit ``dates``, or ``day`` of the month (-1: the last day) in ``months`` (all when
    empty). A ``day`` that falls on a closed day moves to the office day ``before`` or ``after`` it,
    or is ``skip``ped. The effect lasts ``lasts_days`` office days from that day. ``counters``: the
    counters it concerns (all when empty); ``valid_from``/``valid_until`` bound a rule that changed.
    """

    kind: Literal["busy", "closed", "open"] = "busy"
    dates: list[date] = []
    day: int | None = Field(default=None, ge=-1, le=31)
    months: list[Annotated[int, Field(ge=1, le=12)]] = []
    when_closed: Literal["before", "after", "skip"] = "before"
    lasts_days: int = Field(default=1, ge=1, le=20)
    counters: list[Code] = []
    valid_from: date | None = None
    valid_until: date | None = None

    @model_validator(mode="after")
    def _one_way_to_name_the_days(self) -> "WardDayEntry":
        if bool(self.dates) == (self.day is not None):
            raise ValueError("give either dates or day (with months), not both nor neither")
        if self.day == 0:
            raise ValueError("day is 1–31, or -1 for the last day of the month")
        if self.kind != "busy" and not self.dates:
            raise ValueError(f"a {self.kind} day lists its dates")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        return self

    def definition(self) -> dict:
        """The rule as stored beside its names (what was written, defaults left out)."""
        return self.model_dump(mode="json", exclude={"code", "name_ja", "name_en", "name_easy", "kind"},
                               exclude_defaults=True)


SECTIONS: dict[str, type[BaseModel]] = {
    "sites": SiteEntry,
    "departments": DepartmentEntry,
    "counters": CounterEntry,
    "procedures": ProcedureEntry,
    "life_events": LifeEventEntry,
    "relations": RelationEntry,
    "rules": RuleEntry,
    "ward_days": WardDayEntry,
}


# Sections of ``catalog/*.yaml`` that a higher app reads and checks itself: the catalogue loader
# passes over them (the file stays with the ward's other data, as the issues name it).
OTHER_LOADERS: dict[str, str] = {
    "dx_skills": "manage.py dx_skills_load (madoguchi.talent)",
}


@dataclass
class Placed:
    """An entry and where it was written."""

    entry: BaseModel
    source: Located
    path: Path

    def problem(self, field_name: str | int | tuple, message: str) -> Problem:
        sub = field_name if isinstance(field_name, tuple) else (field_name,)
        path = (*self.path, *sub)
        return Problem(self.source.file, self.source.line_of(path), dotted(path), message)


@dataclass
class CatalogData:
    sites: list[SiteEntry] = field(default_factory=list)
    departments: list[DepartmentEntry] = field(default_factory=list)
    counters: list[CounterEntry] = field(default_factory=list)
    procedures: list[ProcedureEntry] = field(default_factory=list)
    life_events: list[LifeEventEntry] = field(default_factory=list)
    relations: list[RelationEntry] = field(default_factory=list)
    rules: list[RuleEntry] = field(default_factory=list)
    ward_days: list[WardDayEntry] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in SECTIONS}


class CatalogInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _read_sections(source: Located, problems: list[Problem]) -> dict[str, list[Placed]]:
    out: dict[str, list[Placed]] = {name: [] for name in SECTIONS}
    if source.data is None:
        return out
    if not isinstance(source.data, dict):
        problems.append(Problem(source.file, source.line_of(()), "", "the file must be a mapping of sections"))
        return out
    for section, items in source.data.items():
        if section in OTHER_LOADERS:
            continue
        if section not in SECTIONS:
            known = ", ".join(SECTIONS)
            problems.append(
                Problem(source.file, source.line_of((section,)), str(section),
                        f"unknown section (known: {known})")
            )
            continue
        if not isinstance(items, list):
            problems.append(Problem(source.file, source.line_of((section,)), section, "must be a list"))
            continue
        model = SECTIONS[section]
        for index, raw in enumerate(items):
            path: Path = (section, index)
            try:
                entry = model.model_validate(raw)
            except ValidationError as error:
                for err in error.errors():
                    loc = tuple(err["loc"])
                    problems.append(
                        Problem(source.file, source.line_of((*path, *loc)), dotted((*path, *loc)), err["msg"])
                    )
                continue
            out[section].append(Placed(entry, source, path))
    return out


def _index(placed: list[Placed], kind: str, problems: list[Problem]) -> dict[str, Placed]:
    by_code: dict[str, Placed] = {}
    for item in placed:
        code = item.entry.code
        if code in by_code:
            first = by_code[code]
            problems.append(
                item.problem("code", f"duplicate {kind} code {code!r} (first at {first.source.file}:"
                                     f"{first.source.line_of((*first.path, 'code'))})")
            )
            continue
        by_code[code] = item
    return by_code


def _check_refs(item: Placed, field_name: str, codes: Iterable[str], known: dict, kind: str,
                problems: list[Problem]) -> None:
    for index, code in enumerate(codes):
        if code not in known:
            where = (field_name, index) if isinstance(getattr(item.entry, field_name), list) else field_name
            problems.append(item.problem(where, f"unknown {kind} {code!r}"))


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A prerequisite cycle as a list of codes (first == last), or None. Iterative DFS."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    for start in sorted(graph):
        if colour[start] != white:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        colour[start] = grey
        while stack:
            node, next_index = stack[-1]
            edges = graph.get(node, [])
            if next_index < len(edges):
                stack[-1] = (node, next_index + 1)
                child = edges[next_index]
                if colour.get(child, black) == grey:
                    trail = [n for n, _ in stack]
                    return [*trail[trail.index(child):], child]
                if colour.get(child) == white:
                    colour[child] = grey
                    stack.append((child, 0))
            else:
                colour[node] = black
                stack.pop()
    return None


def _check_life_events(life_events: dict[str, Placed], problems: list[Problem]) -> None:
    for item in life_events.values():
        event: LifeEventEntry = item.entry  # type: ignore[assignment]
        for index, name in enumerate(event.asks):
            if name not in eligibility.EVENT_FACTS:
                known = ", ".join(eligibility.EVENT_FACTS)
                problems.append(item.problem(("asks", index), f"unknown event fact {name!r} (known: {known})"))
        if event.marks and event.marks not in eligibility.MARKERS:
            known = ", ".join(eligibility.MARKERS)
            problems.append(item.problem("marks", f"{event.marks!r} cannot mark who an event is about "
                                                  f"(known: {known})"))


def _check_source(item: Placed, rule: "RuleEntry", problems: list[Problem]) -> None:
    if rule.source is None:
        problems.append(item.problem((), "the rule names no source: write source (a URL, or the law and its "
                                         "article) and checked (the date it was checked against it)"))
    elif rule.source.startswith(("http:", "https:")) and not re.match(r"^https?://[^\s/]+\.[^\s]+$", rule.source):
        problems.append(item.problem("source", f"{rule.source!r} is not a web address"))
    if rule.checked is None:
        problems.append(item.problem((), "the rule has no checked date: write checked (YYYY-MM-DD), the day its "
                                         "source was last checked"))


def _check_rules(rules: list[Placed], relations: dict[str, Placed], procedures: dict[str, Placed],
                 life_events: dict[str, Placed], problems: list[Problem]) -> None:
    for item in relations.values():
        if item.entry.code not in eligibility.RELATIONS:
            known = ", ".join(eligibility.RELATIONS)
            problems.append(item.problem("code", f"unknown relation {item.entry.code!r} (known: {known})"))
    asks = {code: tuple(item.entry.asks) for code, item in life_events.items()}
    marks = {code: item.entry.marks for code, item in life_events.items() if item.entry.marks}
    for item in rules:
        rule: RuleEntry = item.entry  # type: ignore[assignment]
        _check_refs(item, "procedure", [rule.procedure], procedures, "procedure", problems)
        _check_refs(item, "events", rule.events, life_events, "life event", problems)
        _check_source(item, rule, problems)
        for path, message in eligibility.check_rule(
            events=[e for e in rule.events if e in life_events], when=rule.when, household=rule.household,
            member=rule.member, reason=rule.reason.model_dump(), event_asks=asks, event_marks=marks,
        ):
            problems.append(item.problem(path, message))
    missing = [code for code in eligibility.RELATIONS if code not in relations]
    if rules and missing:
        problems.append(rules[0].problem((), "the rules name members by relation, but the relations section has "
                                             f"no name for: {', '.join(missing)}"))


def parse_catalog(sources: list[Located]) -> CatalogData:
    problems: list[Problem] = []
    merged: dict[str, list[Placed]] = {name: [] for name in SECTIONS}
    for source in sources:
        for section, placed in _read_sections(source, problems).items():
            merged[section].extend(placed)

    sites = _index(merged["sites"], "site", problems)
    departments = _index(merged["departments"], "department", problems)
    counters = _index(merged["counters"], "counter", problems)
    procedures = _index(merged["procedures"], "procedure", problems)
    life_events = _index(merged["life_events"], "life event", problems)

    numbers: dict[tuple[str, str], Placed] = {}
    for item in counters.values():
        entry: CounterEntry = item.entry  # type: ignore[assignment]
        _check_refs(item, "site", [entry.site], sites, "site", problems)
        _check_refs(item, "department", [entry.department], departments, "department", problems)
        key = (entry.site, entry.number)
        if key in numbers:
            problems.append(item.problem("number", f"counter number {entry.number!r} is already used at "
                                                   f"site {entry.site!r} by {numbers[key].entry.code!r}"))
        numbers.setdefault(key, item)
    for item in procedures.values():
        entry: ProcedureEntry = item.entry  # type: ignore[no-redef]
        _check_refs(item, "department", [entry.department], departments, "department", problems)
        _check_refs(item, "counters", entry.counters, counters, "counter", problems)
        _check_refs(item, "prerequisites", entry.prerequisites, procedures, "procedure", problems)
        if entry.code in entry.prerequisites:
            problems.append(item.problem("prerequisites", "a procedure cannot be its own prerequisite"))
    for item in life_events.values():
        _check_refs(item, "procedures", item.entry.procedures, procedures, "procedure", problems)
    relations = _index(merged["relations"], "relation", problems)
    ward_days = _index(merged["ward_days"], "ward day", problems)
    for item in ward_days.values():
        _check_refs(item, "counters", item.entry.counters, counters, "counter", problems)
    _check_life_events(life_events, problems)
    _check_rules(merged["rules"], relations, procedures, life_events, problems)

    graph = {code: [p for p in item.entry.prerequisites if p in procedures and p != code]
             for code, item in procedures.items()}
    cycle = _find_cycle(graph)
    if cycle:
        item = procedures[cycle[0]]
        problems.append(item.problem("prerequisites", "prerequisite cycle: " + " → ".join(cycle)))

    if problems:
        raise CatalogInvalid(problems)
    return CatalogData(
        sites=[p.entry for p in sites.values()],
        departments=[p.entry for p in departments.values()],
        counters=[p.entry for p in counters.values()],
        procedures=[p.entry for p in procedures.values()],
        life_events=[p.entry for p in life_events.values()],
        relations=[p.entry for p in relations.values()],
        rules=[p.entry for p in merged["rules"]],
        ward_days=[p.entry for p in ward_days.values()],
    )
