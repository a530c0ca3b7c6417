"""The navigator's rule engine (手続きナビ): from a household's answers to the procedures it needs.

Pure: no Django. The rules are the catalogue's data (``catalog/rules.yaml``, checked by
``madoguchi.catalog.eligibility``); this module only evaluates them:

- ``evaluate(answers, book)`` → every procedure that applies, required or optional, with the
  reasons naming the member, and the deadline as a date. Several life events at once (a marriage
  and a move) are evaluated together: each procedure appears once, with every reason;
- ``questions_for(...)`` → which questions can still change that answer (the questionnaire asks
  only those);
- ``related_procedures(registered, answers, book)`` → what the facts imply beyond what a clerk
  has registered.

Ages and school years are computed on the event date from the birth date (``ages``). When only
an age is given and it cannot tell a school-year fact (a 15-year-old in June may still be at junior
high school), a rule that turns on it still applies, as "if needed", and its reason carries the
assumption it made (``Reason.assumed``) so the page can say so.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, make_dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from madoguchi.catalog.eligibility import (
    ALWAYS_ASKED,
    COMPUTED_FACTS,
    EVENT_FACTS,
    MARKERS,
    MEMBER_FACTS,
    MEMBER_INPUTS,
    MEMBER_PLACEHOLDER,
    normalise_test,
)
from madoguchi.catalog.translations import FILE_LANGUAGES, text_in

from . import ages

if TYPE_CHECKING:
    from madoguchi.catalog.schema import CatalogData


def _fill(template: str, name: str) -> str:
    text = template.replace("{" + MEMBER_PLACEHOLDER + "}", name)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Texts:
    """One text in Japanese, English and やさしい日本語; the other resident languages from the catalogue's
    translation files (``catalog.translations``), keyed by the Japanese.

    A text that names a member keeps what it was made of (``template`` with ``{member}``, and the
    ``member``), so that each language fills its own translation with the member's name in that language.
    A member's label keeps its ``relation`` and ``age`` for the same reason."""

    ja: str
    en: str
    easy: str = ""
    template: Texts | None = field(default=None, compare=False, repr=False)
    member: Texts | None = field(default=None, compare=False, repr=False)
    relation: Texts | None = field(default=None, compare=False, repr=False)
    age: int | None = field(default=None, compare=False, repr=False)

    def in_language(self, language: str | None) -> str:
        if language in FILE_LANGUAGES:
            if self.template is not None and self.member is not None:
                return _fill(self.template.in_language(language), self.member.in_language(language))
            if self.relation is not None:
                return f"{self.relation.in_language(language)} ({self.age})"
        return text_in(language, ja=self.ja, en=self.en, easy=self.easy)

    def naming(self, label: Texts) -> Texts:
        easy = _fill(self.easy or self.ja, label.easy or label.ja)
        return Texts(_fill(self.ja, label.ja), _fill(self.en, label.en), easy, template=self, member=label)


@dataclass(frozen=True)
class Assumption:
    """What the engine assumed for a member because the age alone could not tell: ``fact`` (a computed
    fact such as ``school_age``) taken to be ``value``."""

    member: Texts
    fact: str
    value: bool


@dataclass(frozen=True)
class Reason(Texts):
    """Why a procedure applies, and what it assumed to say so (empty when it is sure)."""

    assumed: tuple[Assumption, ...] = ()


# --- the member, derived from the vocabulary --------------------------------------------------

_PYTHON_TYPES = {"choice": str, "number": int, "flag": bool, "date": date}
# Positional, as callers write ``Member("child", 7, "employee", attends_nursery=True)``; the rest by name.
_POSITIONAL = ("relation", "age", "insurance")


def _member_class() -> type:
    """The engine's ``Member``: one field per fact of ``eligibility.MEMBER_INPUTS``, with its default."""
    fields: list[tuple[str, Any, Any]] = []
    names = _POSITIONAL + tuple(f.name for f in MEMBER_INPUTS if f.name not in _POSITIONAL)
    for name in names:
        fact = MEMBER_FACTS[name]
        python_type = _PYTHON_TYPES[fact.kind]
        if name == "relation":
            fields.append((name, python_type, field()))
            continue
        annotation = python_type if fact.default is not None else python_type | None
        fields.append((name, annotation, field(default=fact.default, kw_only=name not in _POSITIONAL)))
    return make_dataclass("Member", fields, frozen=True, namespace={
        "__doc__": "One household member as the resident described them (the situation before the event). "
                   "Nothing that identifies a person. Derived from madoguchi.catalog.eligibility.MEMBER_INPUTS.",
    })


Member = _member_class()
Member.__module__ = __name__


@dataclass(frozen=True)
class Answers:
    """The answers about one visit: its life events (one or several, e.g. a marriage and a move in),
    the event date, the household and the event facts."""

    life_events: tuple[str, ...]
    event_date: date
    household: tuple[Any, ...]  # of Member
    moved_from: str | None = None
    moving_to: str | None = None

    def __post_init__(self):
        events = (self.life_events,) if isinstance(self.life_events, str) else tuple(dict.fromkeys(self.life_events))
        object.__setattr__(self, "life_events", events)

    @property
    def life_event(self) -> str:
        """The first life event (a visit records one)."""
        return self.life_events[0]

    def event_facts(self) -> dict[str, object]:
        return {"moved_from": self.moved_from, "moving_to": self.moving_to}


@dataclass(frozen=True)
class Finding:
    """A procedure the household needs: ``required`` False means "if needed" (e.g. seal registration)."""

    code: str
    required: bool
    reasons: tuple[Reason, ...]
    deadline: date | None = None


class Related(NamedTuple):
    code: str
    reasons: tuple[Reason, ...]


_OPERATORS: dict[str, Callable[[object, object], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "in": lambda value, operand: value in operand,  # type: ignore[operator]
    "not_in": lambda value, operand: value not in operand,  # type: ignore[operator]
    "gt": lambda value, operand: value is not None and value > operand,  # type: ignore[operator]
    "gte": lambda value, operand: value is not None and value >= operand,  # type: ignore[operator]
    "lt": lambda value, operand: value is not None and value < operand,  # type: ignore[operator]
    "lte": lambda value, operand: value is not None and value <= operand,  # type: ignore[operator]
}


class Condition:
    """A conjunction of tests over facts (a ``member:``, ``when:`` or household clause)."""

    __slots__ = ("fields", "tests")

    def __init__(self, raw: Mapping[str, object] | None):
        raw = raw or {}
        self.fields: tuple[str, ...] = tuple(raw)
        self.tests = tuple(
            (name, op, _OPERATORS[op], operand)
            for name, test in raw.items()
            for op, operand in normalise_test(test).items()
        )

    def holds(self, facts: Mapping[str, object]) -> bool:
        return all(test(facts.get(name), operand) for name, _, test, operand in self.tests)

    def maybe(self, known: Mapping[str, object]) -> bool | None:
        """Three-valued: False if a known fact fails, True if every fact is known and passes, else None."""
        unknown = False
        for name, _, test, operand in self.tests:
            if name not in known:
                unknown = True
            elif not test(known[name], operand):
                return False
        return None if unknown else True

    def unknown_tests(self, known: Mapping[str, object], *, holding: bool = True) -> tuple[tuple[str, bool], ...]:
        """(fact, value) for each yes/no fact not known that the condition tests: the value that makes
        the condition hold (or, with ``holding`` False, fail)."""
        found = []
        for name, op, _, operand in self.tests:
            if name not in known and isinstance(operand, bool):
                value = operand if op == "eq" else not operand
                found.append((name, value if holding else not value))
        return tuple(found)


def _quantify(quantifier: str, values: Iterable[bool | None]) -> bool | None:
    values = list(values)
    if quantifier == "any":
        return True if True in values else (False if all(v is False for v in values) else None)
    if quantifier == "all":
        return False if False in values else (True if all(v is True for v in values) else None)
    if quantifier == "two_or_more":
        sure, possible = values.count(True), sum(1 for v in values if v is not False)
        return True if sure >= 2 else (False if possible < 2 else None)
    return False if True in values else (True if all(v is False for v in values) else None)  # none


@dataclass(frozen=True)
class Rule:
    procedure: str
    events: frozenset[str]
    when: Condition
    household: tuple[tuple[str, Condition], ...]
    member: Condition | None
    required: bool
    reason: Texts

    @classmethod
    def from_definition(cls, definition: Mapping) -> Rule:
        """From a checked rule as written in the catalogue (``{"procedure": …, "events": …, …}``);
        its ``source`` and ``checked`` are for people, not for the engine."""
        reason = definition["reason"]
        clauses = []
        for clause in definition.get("household", []):
            (quantifier, condition), = clause.items()
            clauses.append((quantifier, Condition(condition)))
        member = definition.get("member")
        return cls(
            procedure=definition["procedure"],
            events=frozenset(definition["events"]),
            when=Condition(definition.get("when")),
            household=tuple(clauses),
            member=None if member is None else Condition(member),
            required=definition.get("required", True),
            reason=Texts(reason["ja"], reason["en"], reason.get("easy", "")),
        )


@dataclass(frozen=True)
class ProcedureTerms:
    """What the engine needs to know of a procedure beyond its rules: its deadline."""

    deadline_days: int | None = None
    deadline_counts_event_day: bool = False


@dataclass(frozen=True)
class EventTerms:
    """What the engine needs to know of a life event: the event facts it asks and who it marks."""

    asks: tuple[str, ...] = ()
    marks: str = ""


def deadline_for(event_date: date, terms: ProcedureTerms) -> date | None:
    """The last day to do it. Most laws count from the day after the event (民法 初日不算入);
    the Family Register Act counts the day of the birth or death itself as day 1."""
    if terms.deadline_days is None:
        return None
    days = terms.deadline_days - 1 if terms.deadline_counts_event_day else terms.deadline_days
    return event_date + timedelta(days=max(days, 0))


# How each computed fact follows from a birth date on the event date.
COMPUTERS: dict[str, Callable[[date, date], bool]] = {
    "school_age": ages.in_compulsory_school,
    "preschool": ages.before_school,
    "child_period": ages.in_child_period,
}


def computed_facts(*, age: int | None, birth_date: date | None, on: date) -> dict[str, object]:
    """The age and the school-year facts on ``on``. From a birth date they are exact; from an age alone
    a fact is left out when the age cannot tell it (the caller treats it as unknown)."""
    if birth_date is not None:
        return {"age": ages.age_on(birth_date, on), **{name: fn(birth_date, on) for name, fn in COMPUTERS.items()}}
    if age is None:
        return {}
    window = ages.birth_window(age, on)
    facts: dict[str, object] = {"age": age}
    for name, fn in COMPUTERS.items():
        value = ages.known_over(window, on, fn)
        if value is not None:
            facts[name] = value
    return facts


@dataclass
class RuleBook:
    rules: tuple[Rule, ...]
    relation_names: Mapping[str, Texts]
    procedures: Mapping[str, ProcedureTerms]  # in the catalogue's order
    events: Mapping[str, EventTerms] = field(default_factory=dict)
    _by_events: dict[frozenset[str], tuple[Rule, ...]] = field(default_factory=dict, repr=False)
    _order: dict[str, int] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, definitions: Iterable[Mapping], relation_names: Mapping[str, Texts],
              procedures: Mapping[str, ProcedureTerms], events: Mapping[str, EventTerms] | None = None) -> RuleBook:
        rules = tuple(Rule.from_definition(d) for d in definitions)
        if events is None:  # hand-written books in tests: every event of the rules, asking nothing
            events = {event: EventTerms() for rule in rules for event in sorted(rule.events)}
        book = cls(rules, dict(relation_names), dict(procedures), dict(events))
        book._order = {code: index for index, code in enumerate(book.procedures)}
        return book

    def rules_for(self, life_events: str | Iterable[str]) -> tuple[Rule, ...]:
        """The rules of these life events, each once, in the catalogue's order."""
        wanted = frozenset((life_events,) if isinstance(life_events, str) else life_events)
        found = self._by_events.get(wanted)
        if found is None:
            found = tuple(rule for rule in self.rules if rule.events & wanted)
            self._by_events[wanted] = found
        return found

    @property
    def life_events(self) -> frozenset[str]:
        """The life events the navigator has rules for."""
        return frozenset(event for rule in self.rules for event in rule.events)

    def markers_of(self, life_events: Iterable[str]) -> tuple[str, ...]:
        """Who the chosen events are about (the person who died …), in the vocabulary's order."""
        marks = {self.events[e].marks for e in life_events if e in self.events}
        return tuple(name for name in MARKERS if name in marks)

    def asks_of(self, life_events: Iterable[str]) -> tuple[str, ...]:
        asks = {name for e in life_events if e in self.events for name in self.events[e].asks}
        return tuple(name for name in EVENT_FACTS if name in asks)

    def member_label(self, member: Any) -> Texts:
        """How a reason names a member: relation and age, e.g. お子さん（7歳）, your child (7)."""
        facts = member if isinstance(member, Mapping) else vars(member)
        relation, age = facts["relation"], facts["age"]
        name = self.relation_names.get(str(relation), Texts(str(relation), str(relation), str(relation)))
        return Texts(f"{name.ja}（{age}歳）", f"{name.en} ({age})", f"{name.easy or name.ja}（{age}さい）",
                     relation=name, age=age)

    def order_of(self, code: str) -> int:
        return self._order.get(code, len(self._order))

    def member_facts(self, member: Any, answers: Answers) -> dict[str, object]:
        """Every fact of a member on the event date: as given, the markers of events not chosen set to
        "no", and the computed age and school-year facts (a school-year fact the age alone cannot
        tell is left out). Raises ValueError for a member without an age or a birth date, or born
        after the event."""
        facts = dict(vars(member))
        for marker in set(MARKERS) - set(self.markers_of(answers.life_events)):
            facts[marker] = False
        if facts.get("age") is None and facts.get("birth_date") is None:
            raise ValueError("a member needs an age or a birth date")
        facts.update(computed_facts(age=facts.get("age"), birth_date=facts.get("birth_date"), on=answers.event_date))
        return facts


def rulebook_from_catalog(data: CatalogData) -> RuleBook:
    """The rule book of a parsed catalogue (``schema.parse_catalog``), without a database."""
    return RuleBook.build(
        [{"procedure": rule.procedure, **rule.definition()} for rule in data.rules],
        {r.code: Texts(r.name_ja, r.name_en, r.name_easy) for r in data.relations},
        {p.code: ProcedureTerms(p.deadline_days, p.deadline_counts_event_day) for p in data.procedures},
        {e.code: EventTerms(tuple(e.asks), e.marks) for e in data.life_events},
    )


def _household_state(rule: Rule, members: Sequence[Mapping[str, object]],
                     labels: Sequence[Texts]) -> tuple[bool, tuple[Assumption, ...]]:
    """Whether the household clauses can hold, and what had to be assumed for them to."""
    assumed: list[Assumption] = []
    for quantifier, condition in rule.household:
        values = [condition.maybe(m) for m in members]
        state = _quantify(quantifier, values)
        if state is False:
            return False, ()
        if state is None:
            for member, label, value in zip(members, labels, values, strict=True):
                if value is None:
                    assumed.extend(Assumption(label, fact, v)
                                   for fact, v in condition.unknown_tests(member, holding=quantifier != "none"))
    return True, tuple(assumed)


def evaluate(answers: Answers, book: RuleBook) -> list[Finding]:
    """Every procedure the answers call for, in the catalogue's order (resident record first).

    A procedure is required when any rule that applies for sure says so; its reasons are those of
    every rule that applies, each naming its member. A rule that applies only under an assumption
    (a school year the age alone cannot tell) makes its procedure "if needed", and its reason says
    what it assumed."""
    members = [book.member_facts(m, answers) for m in answers.household]
    labels = [book.member_label(m) for m in members]
    event_facts = answers.event_facts()
    required: dict[str, bool] = {}
    reasons: dict[str, list[Reason]] = {}
    for rule in book.rules_for(answers.life_events):
        if not rule.when.holds(event_facts):
            continue
        holds, household_assumed = _household_state(rule, members, labels)
        if not holds:
            continue
        found: list[Reason] = []
        if rule.member is None:
            found.append(Reason(*_texts(rule.reason), assumed=household_assumed))
        else:
            for member, label in zip(members, labels, strict=True):
                state = rule.member.maybe(member)
                if state is False:
                    continue
                assumed = household_assumed
                if state is None:
                    assumed += tuple(Assumption(label, fact, value)
                                     for fact, value in rule.member.unknown_tests(member))
                named = rule.reason.naming(label)
                found.append(Reason(*_texts(named), template=named.template, member=label, assumed=assumed))
        if not found:
            continue
        sure = rule.required and any(not reason.assumed for reason in found)
        required[rule.procedure] = required.get(rule.procedure, False) or sure
        listed = reasons.setdefault(rule.procedure, [])
        listed.extend(reason for reason in found if reason not in listed)
    return [
        Finding(code, required[code], tuple(reasons[code]),
                deadline_for(answers.event_date, book.procedures.get(code, ProcedureTerms())))
        for code in sorted(required, key=book.order_of)
    ]


def _texts(texts: Texts) -> tuple[str, str, str]:
    return texts.ja, texts.en, texts.easy


def related_procedures(registered_codes: Iterable[str], answers: Answers, rules: RuleBook, *,
                       include_optional: bool = False) -> list[Related]:
    """What else the household's facts imply beyond the procedures already registered for the
    visit (関連手続の検出): the required ones, and the optional ones too if asked."""
    registered = set(registered_codes)
    return [
        Related(finding.code, finding.reasons)
        for finding in evaluate(answers, rules)
        if finding.code not in registered and (finding.required or include_optional)
    ]


@dataclass(frozen=True)
class Questions:
    """What to ask: event facts, the basic facts of every member, then each member's own questions."""

    event_facts: tuple[str, ...]
    basic_member_facts: tuple[str, ...]
    member_facts: tuple[tuple[str, ...], ...]


def _in_vocabulary_order(names: Iterable[str], vocabulary: Iterable[str]) -> tuple[str, ...]:
    wanted = set(names)
    return tuple(name for name in vocabulary if name in wanted)


def questions_for(life_events: str | Sequence[str], event_facts: Mapping[str, object],
                  members: Sequence[Mapping[str, object]], book: RuleBook, *, on: date | None = None) -> Questions:
    """The questions that can still change the answer, derived from the rules of the chosen events.

    ``event_facts``: the event facts answered so far. ``members``: each member's basic facts
    answered so far (relation, age and the markers of the chosen events: who died, who was born …).
    ``on``: the event date (today if not known yet), on which ages become school years.

    A member gets further questions once their relation and age are known, and only those that some
    rule could still turn on for them given what is known: a 7-year-old is not asked whether they are
    a civil servant, nobody in a household without children is asked either. The birth date is asked
    only of a member whose school year some rule needs and the age alone cannot tell."""
    events = (life_events,) if isinstance(life_events, str) else tuple(life_events)
    on = on or date.today()
    rules = book.rules_for(events)
    markers = book.markers_of(events)
    basic = (*ALWAYS_ASKED, *markers)
    switched_off = {marker: False for marker in MARKERS if marker not in markers}
    known = []
    for m in members:
        facts = {name: m[name] for name in basic if name in m}
        facts.update(switched_off)
        if isinstance(facts.get("age"), int):
            facts.update(computed_facts(age=facts["age"], birth_date=None, on=on))
        known.append(facts)
    ready = [all(name in k for name in ALWAYS_ASKED) for k in known]
    further: list[set[str]] = [set() for _ in members]
    for rule in rules:
        if rule.when.maybe(event_facts) is False:
            continue
        clause_values = [[condition.maybe(k) for k in known] for _, condition in rule.household]
        if any(_quantify(q, values) is False for (q, _), values in zip(rule.household, clause_values, strict=True)):
            continue
        conditions: list[tuple[Condition, list[bool | None]]] = [
            (condition, values) for (_, condition), values in zip(rule.household, clause_values, strict=True)
        ]
        if rule.member is not None:
            member_values = [rule.member.maybe(k) for k in known]
            if all(v is False for v in member_values):
                continue
            conditions.append((rule.member, member_values))
        for condition, values in conditions:
            for index, value in enumerate(values):
                if not ready[index] or value is False:
                    continue
                for name in condition.fields:
                    if name in COMPUTED_FACTS:
                        if name not in known[index]:
                            further[index].add("birth_date")
                    elif name not in basic and name not in switched_off:
                        further[index].add(name)
    return Questions(
        event_facts=book.asks_of(events),
        basic_member_facts=basic,
        member_facts=tuple(_in_vocabulary_order(f, MEMBER_FACTS) for f in further),
    )
