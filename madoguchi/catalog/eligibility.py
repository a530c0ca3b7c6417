"""The vocabulary of the navigator's eligibility rules (手続きナビ) and the check of a rule. Pure: no Django.

A rule (``catalog/rules.yaml``, section ``rules:``) says when a procedure applies, as conditions
over the answers a resident gives:

- ``when:`` event facts — ``moved_from`` (move in) and ``moving_to`` (move out);
- ``member:`` a condition on one household member; the rule applies once per matching member
  and its reason names that member (``{member}``); without ``member:`` it applies once;
- ``household:`` clauses over the whole household: ``{any: …}``, ``{all: …}``, ``{none: …}``.

A test on a fact is a bare value (equal to), a list (one of) or a mapping of operators:
``age: {gte: 6, lte: 14}``, ``insurance: {not_in: [employee, welfare]}``, ``civil_servant: true``.

The catalogue checks rules with ``check_rule``; the navigator's engine
(``madoguchi.navigator.rules``) evaluates them with the same vocabulary.
"""

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

LIFE_EVENTS = ("move_in", "move_out", "move_within", "birth", "death", "marriage", "divorce")
PLACES = ("same_prefecture", "other_prefecture", "abroad")
RELATIONS = ("self", "spouse", "child", "parent", "other")
INSURANCES = ("employee", "national", "late_stage", "welfare", "none")
MAX_AGE = 130


@dataclass(frozen=True)
class Fact:
    """One answer the navigator can ask for. ``events``: the life events an event fact belongs to."""

    name: str
    kind: str  # "choice", "number" or "flag"
    choices: tuple[str, ...] = ()
    events: tuple[str, ...] = ()


EVENT_FACTS: dict[str, Fact] = {
    "moved_from": Fact("moved_from", "choice", PLACES, events=("move_in",)),
    "moving_to": Fact("moving_to", "choice", PLACES, events=("move_out",)),
}

_FLAGS = (
    "has_mynumber_card", "disability_certificate", "care_certified", "attends_nursery", "civil_servant",
    "pension_recipient", "resident_taxpayer", "name_changes", "deceased", "newborn",
)
MEMBER_FACTS: dict[str, Fact] = {
    "relation": Fact("relation", "choice", RELATIONS),
    "age": Fact("age", "number"),
    "insurance": Fact("insurance", "choice", INSURANCES),
    **{name: Fact(name, "flag") for name in _FLAGS},
}
MEMBER_FLAGS = _FLAGS

# Asked for every member first; the other member questions follow from these answers. Relation
# and age are always asked (a reason names the member by them); "who died" and "who was born"
# only for the events whose rules mention them.
BASIC_MEMBER_FACTS = ("relation", "age", "deceased", "newborn")
ALWAYS_ASKED = ("relation", "age")

OPERATORS_BY_KIND: dict[str, tuple[str, ...]] = {
    "number": ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte"),
    "choice": ("eq", "ne", "in", "not_in"),
    "flag": ("eq", "ne"),
}
LIST_OPERATORS = ("in", "not_in")
QUANTIFIERS = ("any", "all", "none")
LANGUAGES = ("ja", "en", "easy")
MEMBER_PLACEHOLDER = "member"

Issue = tuple[tuple[str | int, ...], str]


def normalise_test(raw: object) -> dict[str, object]:
    """A test as a mapping of operator → operand: ``3`` → ``{eq: 3}``, ``[a, b]`` → ``{in: [a, b]}``."""
    if isinstance(raw, Mapping):
        return dict(raw)
    if isinstance(raw, list):
        return {"in": list(raw)}
    return {"eq": raw}


def _check_value(fact: Fact, value: object, path: tuple) -> list[Issue]:
    if fact.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AGE:
            return [(path, f"{fact.name} needs a whole number from 0 to {MAX_AGE}, not {value!r}")]
    elif fact.kind == "flag":
        if not isinstance(value, bool):
            return [(path, f"{fact.name} is a yes/no fact: write true or false, not {value!r}")]
    elif value not in fact.choices:
        return [(path, f"{value!r} is not a value of {fact.name} (known: {', '.join(fact.choices)})")]
    return []


def _check_test(fact: Fact, raw: object, path: tuple) -> list[Issue]:
    allowed = OPERATORS_BY_KIND[fact.kind]
    if isinstance(raw, list) and fact.kind == "flag":
        return [(path, f"{fact.name} is a yes/no fact: write true or false")]
    if not isinstance(raw, Mapping):
        if isinstance(raw, list):
            return _check_list(fact, raw, path)
        return _check_value(fact, raw, path)
    if not raw:
        return [(path, f"needs an operator (known: {', '.join(allowed)})")]
    issues: list[Issue] = []
    for operator, operand in raw.items():
        where = (*path, operator)
        if operator not in allowed:
            issues.append((where, f"unknown operator {operator!r} for {fact.name} (known: {', '.join(allowed)})"))
        elif operator in LIST_OPERATORS:
            issues.extend(_check_list(fact, operand, where))
        else:
            issues.extend(_check_value(fact, operand, where))
    return issues


def _check_list(fact: Fact, operand: object, path: tuple) -> list[Issue]:
    if not isinstance(operand, list) or not operand:
        return [(path, "needs a non-empty list of values")]
    return [issue for index, value in enumerate(operand) for issue in _check_value(fact, value, (*path, index))]


def check_condition(raw: object, facts: Mapping[str, Fact], path: tuple) -> list[Issue]:
    """Problems of one condition (a mapping of fact → test), each with its path below ``path``."""
    if not isinstance(raw, Mapping):
        return [(path, "must be a mapping of facts to tests")]
    issues: list[Issue] = []
    for name, test in raw.items():
        fact = facts.get(name)
        if fact is None:
            issues.append(((*path, name), f"unknown field {name!r} (known: {', '.join(facts)})"))
        else:
            issues.extend(_check_test(fact, test, (*path, name)))
    return issues


def _check_household(clauses: Sequence[object]) -> list[Issue]:
    issues: list[Issue] = []
    for index, clause in enumerate(clauses):
        path = ("household", index)
        if not isinstance(clause, Mapping) or len(clause) != 1:
            issues.append((path, f"each clause is one of {', '.join(QUANTIFIERS)} with a member condition"))
            continue
        (quantifier, condition), = clause.items()
        if quantifier not in QUANTIFIERS:
            issues.append(((*path, quantifier), f"unknown quantifier {quantifier!r} (known: {', '.join(QUANTIFIERS)})"))
            continue
        issues.extend(check_condition(condition, MEMBER_FACTS, (*path, quantifier)))
    return issues


def _check_reason(reason: Mapping[str, str], names_member: bool) -> list[Issue]:
    issues: list[Issue] = []
    for language in LANGUAGES:
        text = reason.get(language, "")
        path = ("reason", language)
        try:
            fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError as error:
            issues.append((path, f"bad placeholder: {error}"))
            continue
        unknown = fields - {MEMBER_PLACEHOLDER}
        if unknown:
            issues.append((path, f"unknown placeholder(s) {', '.join(sorted(unknown))}: only {{member}} is known"))
        elif names_member and MEMBER_PLACEHOLDER not in fields:
            issues.append((path, "the reason must name the member: write {member}"))
        elif not names_member and MEMBER_PLACEHOLDER in fields:
            issues.append((path, "{member} needs a member: condition on the rule"))
    return issues


def check_rule(*, events: Sequence[str], when: object, household: Sequence[object], member: object,
               reason: Mapping[str, str]) -> list[Issue]:
    """Every problem of one rule's conditions and reason, with paths relative to the rule."""
    issues = check_condition(when, EVENT_FACTS, ("when",))
    if isinstance(when, Mapping):
        for name in when:
            fact = EVENT_FACTS.get(name)
            if fact and any(event not in fact.events for event in events):
                issues.append((("when", name), f"{name} is asked only for {', '.join(fact.events)}"))
    issues.extend(_check_household(household))
    if member is not None:
        issues.extend(check_condition(member, MEMBER_FACTS, ("member",)))
    issues.extend(_check_reason(reason, names_member=member is not None))
    return issues
