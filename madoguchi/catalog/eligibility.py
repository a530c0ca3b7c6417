"""The vocabulary of the navigator's eligibility rules (手続きナビ) and the check of a rule. Pure: no Django.

This module declares, once, every fact the navigator knows about a household member
(``MEMBER_FACTS``) and about the event (``EVENT_FACTS``). The rule engine's ``Member``
(``madoguchi.navigator.rules``), the API's member schema (``madoguchi.navigator.api``), the
questionnaire and the catalogue's rule check are all derived from it; a test holds them together.

A rule (``catalog/rules.yaml``, section ``rules:``) says when a procedure applies, as conditions
over these facts:

- ``when:`` event facts — ``moved_from`` (move in) and ``moving_to`` (move out);
- ``member:`` a condition on one household member; the rule applies once per matching member
  and its reason names that member (``{member}``); without ``member:`` it applies once;
- ``household:`` clauses over the whole household: ``{any: …}``, ``{all: …}``, ``{none: …}``,
  ``{two_or_more: …}``.

A test on a fact is a bare value (equal to), a list (one of) or a mapping of operators:
``age: {gte: 6, lte: 14}``, ``insurance: {not_in: [employee, welfare]}``, ``civil_servant: true``.

Facts as the resident gives them are *the situation before the event* (the insurance they had before
the move, the job or the death). Three facts are computed, never asked: ``school_age``,
``preschool`` and ``child_period`` follow from the birth date (or, less surely, the age) on the
event date, counted the way the law counts (``madoguchi.navigator.ages``).
"""

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PLACES = ("same_prefecture", "other_prefecture", "abroad")
RELATIONS = ("self", "spouse", "child", "grandchild", "parent", "other")
INSURANCES = ("employee", "employee_dependent", "national", "late_stage", "welfare", "none")
NATIONALITIES = ("japanese", "foreign")
MAX_AGE = 130


@dataclass(frozen=True)
class Fact:
    """One fact the navigator can know.

    ``kind``: "choice", "number", "flag" or "date". ``required``: an API caller must give it.
    ``default``: its value when not given (a flag not asked is "no"). ``marker``: it marks who a life
    event is about (the person who died, the baby …); a life event names its marker in the
    catalogue, and the marker is asked first, only when that event is chosen. ``computed``: the engine
    derives it from the birth date or the age; it is never asked and never sent."""

    name: str
    kind: str
    choices: tuple[str, ...] = ()
    required: bool = False
    default: object = None
    marker: bool = False
    computed: bool = False
    description: str = ""  # for the API's documentation


def _flag(name: str, description: str, *, marker: bool = False, computed: bool = False) -> Fact:
    return Fact(name, "flag", default=None if computed else False, marker=marker, computed=computed,
                description=description)


EVENT_FACTS: dict[str, Fact] = {
    "moved_from": Fact("moved_from", "choice", PLACES, description="Where the household moved from (move_in)."),
    "moving_to": Fact("moving_to", "choice", PLACES, description="Where the household moves to (move_out)."),
}

# In the order the questionnaire asks them.
MEMBER_FACTS: dict[str, Fact] = {fact.name: fact for fact in (
    Fact("relation", "choice", RELATIONS, required=True, description="Relation to the person asking."),
    Fact("age", "number", description="Age in full years on the event date; or give birth_date."),
    _flag("deceased", "The person who died (death).", marker=True),
    _flag("newborn", "The baby (birth).", marker=True),
    _flag("stays", "Stays at the old address while the others move out (move_out).", marker=True),
    _flag("starts_job", "The person starting a job with company health insurance (job_start).", marker=True),
    _flag("leaves_job", "The person leaving a job with company health insurance (job_leave).", marker=True),
    Fact("birth_date", "date", description="Instead of, or as well as, age: the school year is then exact."),
    Fact("insurance", "choice", INSURANCES, required=True, default="none",
         description="Health insurance just before the event; employee_dependent: covered through a family "
                     "member's job."),
    Fact("nationality", "choice", NATIONALITIES, description="Asked when moving from or to abroad."),
    _flag("householder", "The householder (世帯主) before the event."),
    _flag("has_mynumber_card", "Holds a My Number card."),
    _flag("disability_certificate", "Holds a disability certificate."),
    _flag("care_certified", "Certified as needing long-term care or support."),
    _flag("moving_into_facility", "Moves straight into a care facility (facility exception, 住所地特例)."),
    _flag("attends_nursery", "Goes to a nursery school."),
    _flag("civil_servant", "Works for the national or a local government."),
    _flag("pension_recipient", "Receives a public pension."),
    _flag("child_allowance_recipient", "Receives the child allowance for the household's children."),
    _flag("single_parent_allowance", "Receives the single-parent (child-rearing) allowance."),
    _flag("resident_taxpayer", "Pays resident tax."),
    _flag("name_changes", "The surname changes with this event."),
    _flag("school_age", "Computed: of compulsory school age on the event date.", computed=True),
    _flag("preschool", "Computed: not yet at elementary school on the event date.", computed=True),
    _flag("child_period", "Computed: until the first March 31 on or after reaching 18.", computed=True),
)}

# What a member is described by (the engine's Member, the API's member): every fact not computed.
MEMBER_INPUTS: tuple[Fact, ...] = tuple(f for f in MEMBER_FACTS.values() if not f.computed)
MEMBER_FLAGS: tuple[str, ...] = tuple(f.name for f in MEMBER_INPUTS if f.kind == "flag")
MARKERS: tuple[str, ...] = tuple(f.name for f in MEMBER_FACTS.values() if f.marker)
COMPUTED_FACTS: tuple[str, ...] = tuple(f.name for f in MEMBER_FACTS.values() if f.computed)

# Always asked first (a reason names the member by them); the other questions follow from them.
ALWAYS_ASKED = ("relation", "age")

OPERATORS_BY_KIND: dict[str, tuple[str, ...]] = {
    "number": ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte"),
    "choice": ("eq", "ne", "in", "not_in"),
    "flag": ("eq", "ne"),
    "date": (),
}
LIST_OPERATORS = ("in", "not_in")
QUANTIFIERS = ("any", "all", "none", "two_or_more")
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
    if not allowed:
        return [(path, f"{fact.name} cannot be tested: test age, school_age, preschool or child_period")]
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


def _marker_tests(member: object, household: Sequence[object]) -> list[tuple[tuple, str]]:
    """(path, marker) of every test that a marker is true: that needs an event marking it."""
    found = []
    conditions = [(("member",), member)]
    for index, clause in enumerate(household):
        if isinstance(clause, Mapping) and len(clause) == 1:
            (quantifier, condition), = clause.items()
            conditions.append((("household", index, quantifier), condition))
    for path, condition in conditions:
        if not isinstance(condition, Mapping):
            continue
        for name, test in condition.items():
            if name in MARKERS and normalise_test(test) == {"eq": True}:
                found.append(((*path, name), name))
    return found


def check_rule(*, events: Sequence[str], when: object, household: Sequence[object], member: object,
               reason: Mapping[str, str], event_asks: Mapping[str, Sequence[str]] | None = None,
               event_marks: Mapping[str, str] | None = None) -> list[Issue]:
    """Every problem of one rule's conditions and reason, with paths relative to the rule.

    ``event_asks``: the event facts each life event asks (``when:`` may use only those of every event
    of the rule); ``event_marks``: the marker of each life event (a rule about "the person who died"
    must be about a death)."""
    issues = check_condition(when, EVENT_FACTS, ("when",))
    if isinstance(when, Mapping) and event_asks is not None:
        for name in when:
            missing = [event for event in events if name in EVENT_FACTS and name not in event_asks.get(event, ())]
            if missing:
                asked_by = [event for event, asks in event_asks.items() if name in asks]
                issues.append((("when", name), f"{name} is asked only for {', '.join(asked_by) or 'no life event'}"))
    issues.extend(_check_household(household))
    if member is not None:
        issues.extend(check_condition(member, MEMBER_FACTS, ("member",)))
    if event_marks is not None:
        for path, marker in _marker_tests(member, household):
            if not any(event_marks.get(event) == marker for event in events):
                marked_by = [event for event, name in event_marks.items() if name == marker]
                issues.append((path, f"{marker} is true only for {', '.join(marked_by) or 'no life event'}"))
    issues.extend(_check_reason(reason, names_member=member is not None))
    return issues
