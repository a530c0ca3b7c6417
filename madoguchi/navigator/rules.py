"""The navigator's rule engine (手続きナビ): from a household's answers to the procedures it needs.

Pure: no Django. The rules are the catalogue's data (``catalog/rules.yaml``, checked by
``madoguchi.catalog.eligibility``); this module only evaluates them:

- ``evaluate(answers, book)`` → every procedure that applies, required or optional, with the
  reasons naming the member, and the deadline as a date;
- ``questions_for(...)`` → which questions can still change that answer (the questionnaire asks
  only those);
- ``related_procedures(registered, answers, book)`` → what the facts imply beyond what a clerk
  has registered.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

from madoguchi.catalog.eligibility import (
    ALWAYS_ASKED,
    BASIC_MEMBER_FACTS,
    EVENT_FACTS,
    MEMBER_FACTS,
    MEMBER_PLACEHOLDER,
    normalise_test,
)

if TYPE_CHECKING:
    from madoguchi.catalog.schema import CatalogData


@dataclass(frozen=True)
class Texts:
    """One text in Japanese, English and やさしい日本語."""

    ja: str
    en: str
    easy: str = ""

    def in_language(self, language: str | None) -> str:
        if language and language.startswith("en"):
            return self.en
        if language == "ja-easy" and self.easy:
            return self.easy
        return self.ja

    def naming(self, label: Texts) -> Texts:
        def fill(template: str, name: str) -> str:
            text = template.replace("{" + MEMBER_PLACEHOLDER + "}", name)
            return text[:1].upper() + text[1:]

        easy = fill(self.easy or self.ja, label.easy or label.ja)
        return Texts(fill(self.ja, label.ja), fill(self.en, label.en), easy)


@dataclass(frozen=True)
class Member:
    """One household member as the resident described them. Nothing that identifies a person."""

    relation: str
    age: int
    insurance: str = "none"
    has_mynumber_card: bool = False
    disability_certificate: bool = False
    care_certified: bool = False
    attends_nursery: bool = False
    civil_servant: bool = False
    pension_recipient: bool = False
    resident_taxpayer: bool = False
    name_changes: bool = False
    deceased: bool = False
    newborn: bool = False


@dataclass(frozen=True)
class Answers:
    life_event: str
    event_date: date
    household: tuple[Member, ...]
    moved_from: str | None = None
    moving_to: str | None = None

    def event_facts(self) -> dict[str, object]:
        return {"moved_from": self.moved_from, "moving_to": self.moving_to}


@dataclass(frozen=True)
class Finding:
    """A procedure the household needs: ``required`` False means "if needed" (e.g. seal registration)."""

    code: str
    required: bool
    reasons: tuple[Texts, ...]
    deadline: date | None = None


class Related(NamedTuple):
    code: str
    reasons: tuple[Texts, ...]


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
            (name, _OPERATORS[op], operand)
            for name, test in raw.items()
            for op, operand in normalise_test(test).items()
        )

    def holds(self, facts: Mapping[str, object]) -> bool:
        return all(test(facts.get(name), operand) for name, test, operand in self.tests)

    def maybe(self, known: Mapping[str, object]) -> bool | None:
        """Three-valued: False if a known fact fails, True if every fact is known and passes, else None."""
        unknown = False
        for name, test, operand in self.tests:
            if name not in known:
                unknown = True
            elif not test(known[name], operand):
                return False
        return None if unknown else True


def _quantify(quantifier: str, values: Iterable[bool | None]) -> bool | None:
    values = list(values)
    if quantifier == "any":
        return True if True in values else (False if all(v is False for v in values) else None)
    if quantifier == "all":
        return False if False in values else (True if all(v is True for v in values) else None)
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
        """From a checked rule as written in the catalogue (``{"procedure": …, "events": …, …}``)."""
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


def deadline_for(event_date: date, terms: ProcedureTerms) -> date | None:
    """The last day to do it. Most laws count from the day after the event (民法 初日不算入);
    the Family Register Act counts the day of the birth or death itself as day 1."""
    if terms.deadline_days is None:
        return None
    days = terms.deadline_days - 1 if terms.deadline_counts_event_day else terms.deadline_days
    return event_date + timedelta(days=max(days, 0))


@dataclass
class RuleBook:
    rules: tuple[Rule, ...]
    relation_names: Mapping[str, Texts]
    procedures: Mapping[str, ProcedureTerms]  # in the catalogue's order
    _by_event: dict[str, tuple[Rule, ...]] = field(default_factory=dict, repr=False)
    _order: dict[str, int] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, definitions: Iterable[Mapping], relation_names: Mapping[str, Texts],
              procedures: Mapping[str, ProcedureTerms]) -> RuleBook:
        book = cls(tuple(Rule.from_definition(d) for d in definitions), dict(relation_names), dict(procedures))
        events = {event for rule in book.rules for event in rule.events}
        book._by_event = {event: tuple(r for r in book.rules if event in r.events) for event in events}
        book._order = {code: index for index, code in enumerate(book.procedures)}
        return book

    def rules_for(self, life_event: str) -> tuple[Rule, ...]:
        return self._by_event.get(life_event, ())

    @property
    def life_events(self) -> frozenset[str]:
        return frozenset(self._by_event)

    def member_label(self, member: Member | Mapping[str, object]) -> Texts:
        """How a reason names a member: relation and age, e.g. お子さん（7歳）, your child (7)."""
        facts = member if isinstance(member, Mapping) else vars(member)
        relation, age = facts["relation"], facts["age"]
        name = self.relation_names.get(str(relation), Texts(str(relation), str(relation), str(relation)))
        return Texts(f"{name.ja}（{age}歳）", f"{name.en} ({age})", f"{name.easy or name.ja}（{age}さい）")

    def order_of(self, code: str) -> int:
        return self._order.get(code, len(self._order))


def rulebook_from_catalog(data: CatalogData) -> RuleBook:
    """The rule book of a parsed catalogue (``schema.parse_catalog``), without a database."""
    return RuleBook.build(
        [{"procedure": rule.procedure, **rule.definition()} for rule in data.rules],
        {r.code: Texts(r.name_ja, r.name_en, r.name_easy) for r in data.relations},
        {p.code: ProcedureTerms(p.deadline_days, p.deadline_counts_event_day) for p in data.procedures},
    )


def _household_holds(rule: Rule, members: Sequence[Mapping[str, object]]) -> bool:
    for quantifier, condition in rule.household:
        if not _quantify(quantifier, (condition.holds(m) for m in members)):
            return False
    return True


def evaluate(answers: Answers, book: RuleBook) -> list[Finding]:
    """Every procedure the answers call for, in the catalogue's order (resident record first).

    A procedure is required when any rule that applies says so; its reasons are those of every
    rule that applies, each naming its member."""
    members = [vars(m) for m in answers.household]
    event_facts = answers.event_facts()
    required: dict[str, bool] = {}
    reasons: dict[str, list[Texts]] = {}
    for rule in book.rules_for(answers.life_event):
        if not rule.when.holds(event_facts) or not _household_holds(rule, members):
            continue
        if rule.member is None:
            found = [rule.reason]
        else:
            found = [rule.reason.naming(book.member_label(m)) for m in members if rule.member.holds(m)]
            if not found:
                continue
        required[rule.procedure] = required.get(rule.procedure, False) or rule.required
        listed = reasons.setdefault(rule.procedure, [])
        listed.extend(reason for reason in found if reason not in listed)
    return [
        Finding(code, required[code], tuple(reasons[code]),
                deadline_for(answers.event_date, book.procedures.get(code, ProcedureTerms())))
        for code in sorted(required, key=book.order_of)
    ]


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


def questions_for(life_event: str, event_facts: Mapping[str, object],
                  members: Sequence[Mapping[str, object]], book: RuleBook) -> Questions:
    """The questions that can still change the answer, derived from the rules of ``life_event``.

    ``event_facts``: the event facts answered so far. ``members``: each member's basic facts
    answered so far (relation, age and, for the events that ask them, deceased/newborn). A member
    gets further questions once their relation and age are known, and only those that some rule
    could still turn on for them given what is known: a 7-year-old is not asked whether they are
    a civil servant, nobody in a household without children is asked either."""
    rules = book.rules_for(life_event)
    referenced = {name for rule in rules for name in _member_fields(rule)}
    basic = tuple(n for n in BASIC_MEMBER_FACTS if n in ALWAYS_ASKED or n in referenced)
    asked_events = _in_vocabulary_order((n for rule in rules for n in rule.when.fields), EVENT_FACTS)
    known = [{name: m[name] for name in basic if name in m} for m in members]
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
                if ready[index] and value is not False:
                    further[index].update(name for name in condition.fields if name not in basic)
    return Questions(
        event_facts=asked_events,
        basic_member_facts=basic,
        member_facts=tuple(_in_vocabulary_order(f, MEMBER_FACTS) for f in further),
    )


def _member_fields(rule: Rule) -> Iterable[str]:
    if rule.member is not None:
        yield from rule.member.fields
    for _, condition in rule.household:
        yield from condition.fields
