"""The questionnaire's state, carried in the form itself (nothing is kept on the server). Pure: no Django.

Field names: ``event_year``, ``event_month``, ``event_day``, the event facts (``moved_from``,
``moving_to``), ``members`` (how many), and per member ``m<i>-<fact>`` (a date of birth as
``m<i>-birth_year``, ``-birth_month``, ``-birth_day``) plus ``m<i>-asked``: the further questions
the page showed that member, so a flag left unticked can be told from a question never asked.

``read_draft`` never fails: whatever was posted becomes a draft to show again. ``check_draft``
turns a complete draft into the engine's ``Answers`` or says what is missing, as error codes
the page words in the visitor's language.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from madoguchi.catalog.eligibility import (
    EVENT_FACTS,
    INSURANCES,
    MAX_AGE,
    MEMBER_FACTS,
    MEMBER_FLAGS,
    NATIONALITIES,
    RELATIONS,
)

from .ages import age_on
from .rules import Answers, Member, Questions, RuleBook, questions_for

MAX_MEMBERS = 10
FIRST_YEAR, LAST_YEAR = 2000, 2100
FIRST_BIRTH_YEAR = 1890
# The further questions a page can show (the basic ones — relation, age, who the event is about —
# are always on it).
ASKABLE = ("birth_date", "insurance", "nationality", *MEMBER_FLAGS)
DATE_PARTS = ("event_year", "event_month", "event_day")
BIRTH_PARTS = ("birth_year", "birth_month", "birth_day")


def _parse_date(parts: Sequence[str], first_year: int, last_year: int) -> date | None:
    parts = [part.strip() for part in parts]
    if not all(part.isdigit() for part in parts):
        return None
    try:
        value = date(*(int(part) for part in parts))
    except ValueError:
        return None
    return value if first_year <= value.year <= last_year else None


@dataclass(frozen=True)
class MemberDraft:
    relation: str = ""
    age_text: str = ""
    insurance: str = ""
    nationality: str = ""
    birth_parts: tuple[str, str, str] = ("", "", "")  # year, month, day as typed
    flags: frozenset[str] = frozenset()
    asked: frozenset[str] = frozenset()

    @property
    def age(self) -> int | None:
        text = self.age_text.strip()
        if not text.isdigit():
            return None
        age = int(text)
        return age if 0 <= age <= MAX_AGE else None

    @property
    def birth_given(self) -> bool:
        return any(part.strip() for part in self.birth_parts)

    @property
    def birth_date(self) -> date | None:
        return _parse_date(self.birth_parts, FIRST_BIRTH_YEAR, LAST_YEAR)

    def basic_facts(self, basic: tuple[str, ...]) -> dict[str, object]:
        """The basic facts answered so far (what decides the further questions)."""
        known: dict[str, object] = {}
        if "relation" in basic and self.relation in RELATIONS:
            known["relation"] = self.relation
        if "age" in basic and self.age is not None:
            known["age"] = self.age
        for name in basic:
            if name in MEMBER_FLAGS:
                known[name] = name in self.flags
        return known


@dataclass(frozen=True)
class Draft:
    life_events: tuple[str, ...]
    event_date_parts: tuple[str, str, str] = ("", "", "")  # year, month, day as typed
    event_facts: Mapping[str, str] = field(default_factory=dict)
    members: tuple[MemberDraft, ...] = (MemberDraft(relation="self"),)

    def __post_init__(self):
        if isinstance(self.life_events, str):
            object.__setattr__(self, "life_events", (self.life_events,))

    @property
    def life_event(self) -> str:
        return self.life_events[0]

    @property
    def event_date(self) -> date | None:
        return _parse_date(self.event_date_parts, FIRST_YEAR, LAST_YEAR)

    def known_event_facts(self) -> dict[str, object]:
        return {name: value for name, value in self.event_facts.items()
                if name in EVENT_FACTS and value in EVENT_FACTS[name].choices}

    def with_member_added(self) -> "Draft":
        if len(self.members) >= MAX_MEMBERS:
            return self
        return replace(self, members=(*self.members, MemberDraft()))

    def without_member(self, index: int) -> "Draft":
        if len(self.members) <= 1 or not 0 <= index < len(self.members):
            return self
        return replace(self, members=self.members[:index] + self.members[index + 1:])


def read_draft(life_events: str | Sequence[str], data: Mapping[str, str]) -> Draft:
    """The draft in posted form data (a QueryDict or a dict). Unknown or broken values are dropped."""
    try:
        count = int(data.get("members", "1"))
    except ValueError:
        count = 1
    count = min(max(count, 1), MAX_MEMBERS)
    members = []
    for index in range(count):
        prefix = f"m{index}-"
        asked = frozenset(name for name in data.get(prefix + "asked", "").split(",") if name in ASKABLE)
        members.append(MemberDraft(
            relation=data.get(prefix + "relation", ""),
            age_text=data.get(prefix + "age", "")[:3],
            insurance=data.get(prefix + "insurance", ""),
            nationality=data.get(prefix + "nationality", ""),
            birth_parts=tuple(data.get(prefix + part, "")[:4] for part in BIRTH_PARTS),  # type: ignore[arg-type]
            flags=frozenset(name for name in MEMBER_FLAGS if data.get(prefix + name)),
            asked=asked,
        ))
    events = (life_events,) if isinstance(life_events, str) else tuple(life_events)
    return Draft(
        life_events=events,
        event_date_parts=tuple(data.get(name, "")[:4] for name in DATE_PARTS),  # type: ignore[arg-type]
        event_facts={name: data.get(name, "") for name in EVENT_FACTS if data.get(name)},
        members=tuple(members),
    )


def draft_fields(draft: Draft) -> list[tuple[str, str]]:
    """The draft as (name, value) pairs: hidden fields that carry it through the result page."""
    pairs = [*zip(DATE_PARTS, draft.event_date_parts, strict=True), *sorted(draft.event_facts.items()),
             ("members", str(len(draft.members)))]
    for index, member in enumerate(draft.members):
        prefix = f"m{index}-"
        pairs += [(prefix + "relation", member.relation), (prefix + "age", member.age_text)]
        if member.birth_given:
            pairs += [(prefix + part, value) for part, value in zip(BIRTH_PARTS, member.birth_parts, strict=True)]
        if member.insurance:
            pairs.append((prefix + "insurance", member.insurance))
        if member.nationality:
            pairs.append((prefix + "nationality", member.nationality))
        pairs += [(prefix + name, "1") for name in MEMBER_FLAGS if name in member.flags]
        pairs.append((prefix + "asked", ",".join(name for name in MEMBER_FACTS if name in member.asked)))
    return pairs


def draft_questions(draft: Draft, book: RuleBook, *, today: date | None = None) -> Questions:
    """The questions the rules call for, given what the draft already answers. School years are
    worked out on the event date (``today`` while it is not entered)."""
    basic = ("relation", "age", *book.markers_of(draft.life_events))
    return questions_for(draft.life_events, draft.known_event_facts(),
                         [member.basic_facts(basic) for member in draft.members], book,
                         on=draft.event_date or today)


def mark_asked(draft: Draft, questions: Questions) -> Draft:
    """The draft as the page will show it: each member's further questions become 'asked'."""
    members = tuple(
        replace(member, asked=frozenset(questions.member_facts[index]))
        for index, member in enumerate(draft.members)
    )
    return replace(draft, members=members)


@dataclass(frozen=True)
class Check:
    answers: Answers | None
    errors: dict[str, str]  # field name (or "m<i>" for a whole member) → error code


def _birth_error(member: MemberDraft, event_date: date | None) -> str | None:
    if not member.birth_given:
        return None
    birth = member.birth_date
    if birth is None:
        return "birth_date"
    if event_date is None:
        return None
    if birth > event_date:
        return "birth_after_event"
    if member.age is not None and age_on(birth, event_date) != member.age:
        return "birth_age"
    return None


def check_draft(draft: Draft, questions: Questions) -> Check:
    """The engine's answers if every question is answered; otherwise the error codes:
    ``date`` (no valid event date), ``choose`` (a choice left open), ``age`` (no valid age),
    ``new_questions`` (a member has questions the page has not shown yet), ``birth_date`` (a date of
    birth that is not a date), ``birth_after_event``, ``birth_age`` (the age does not match it).
    A date of birth left empty is no error: the result then says what it assumed."""
    errors: dict[str, str] = {}
    if draft.event_date is None:
        errors["event_date"] = "date"
    known_events = draft.known_event_facts()
    for name in questions.event_facts:
        if name not in known_events:
            errors[name] = "choose"
    household = []
    for index, member in enumerate(draft.members):
        prefix = f"m{index}-"
        if member.relation not in RELATIONS:
            errors[prefix + "relation"] = "choose"
        if member.age is None:
            errors[prefix + "age"] = "age"
        further = questions.member_facts[index]
        if not set(further) <= member.asked:
            errors[f"m{index}"] = "new_questions"
        else:
            if "insurance" in further and member.insurance not in INSURANCES:
                errors[prefix + "insurance"] = "choose"
            if "nationality" in further and member.nationality not in NATIONALITIES:
                errors[prefix + "nationality"] = "choose"
            if "birth_date" in further and (error := _birth_error(member, draft.event_date)):
                errors[prefix + "birth_date"] = error
        if not errors:
            asked = set(questions.basic_member_facts) | set(further)
            household.append(Member(
                member.relation,
                member.age,
                member.insurance if "insurance" in asked and member.insurance in INSURANCES else "none",
                birth_date=member.birth_date if "birth_date" in asked else None,
                nationality=member.nationality if "nationality" in asked and member.nationality else None,
                **{name: name in member.flags and name in asked for name in MEMBER_FLAGS},
            ))
    if errors:
        return Check(None, errors)
    return Check(
        Answers(
            life_events=draft.life_events,
            event_date=draft.event_date,  # type: ignore[arg-type]
            household=tuple(household),
            **{name: known_events.get(name) if name in questions.event_facts else None  # type: ignore[misc]
               for name in EVENT_FACTS},
        ),
        {},
    )
