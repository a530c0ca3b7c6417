"""What the questionnaire and result templates show: plain structures built from a draft, the
questions the rules call for, and the result. No queries and no writes here."""

from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from madoguchi.catalog.eligibility import EVENT_FACTS, INSURANCES, MEMBER_FLAGS, NATIONALITIES, PLACES, RELATIONS
from madoguchi.core.dates import next_office_day, office_closed

from . import wording
from .questionnaire import BIRTH_PARTS, DATE_PARTS, MAX_MEMBERS, Draft, MemberDraft
from .rules import Questions, RuleBook
from .selectors import ProcedureCard


@dataclass
class Choice:
    value: str
    label: str
    checked: bool
    id: str


@dataclass
class Question:
    """One input. ``kind``: date, select, number, radios or flag. ``refresh``: a change re-asks the
    household's questions (the basic facts and the event facts decide which further ones apply)."""

    name: str
    kind: str
    label: str
    value: str = ""
    help: str = ""
    choices: list[Choice] = field(default_factory=list)
    error: str = ""
    refresh: bool = False
    autofocus: bool = False
    parts: list[dict] = field(default_factory=list)  # a date's year, month and day fields

    @property
    def id(self) -> str:
        return "q-" + self.name

    @property
    def checked(self) -> bool:
        return self.value == "1"

    @property
    def described_by(self) -> str:
        """The ids of the help and error texts, for aria-describedby."""
        return " ".join(([f"{self.id}-help"] if self.help else []) + ([f"{self.id}-error"] if self.error else []))


@dataclass
class MemberBlock:
    index: int
    number: int
    basic: list[Question]
    further: list[Question]
    asked: str
    ready: bool
    removable: bool
    error: str = ""
    changed: bool = False


def _choices(name: str, options: dict[str, str], current: str) -> list[Choice]:
    return [Choice(value, str(label), value == current, f"q-{name}-{value}") for value, label in options.items()]


def _relation_options(book: RuleBook, language: str) -> dict[str, str]:
    return {code: capfirst(book.relation_names[code].in_language(language)) if code in book.relation_names else code
            for code in RELATIONS}


def _date_parts(prefix: str, names: tuple[str, ...], values: tuple[str, ...]) -> list[dict]:
    return [
        {"name": prefix + name, "id": f"q-{prefix}{name}", "label": str(label), "value": value, "size": size}
        for name, label, value, size in zip(names, wording.DATE_PART_LABELS, values, (4, 2, 2), strict=True)
    ]


def _member_question(fact: str, member: MemberDraft, index: int, book: RuleBook, language: str,
                     errors: dict[str, str], *, refresh: bool) -> Question:
    name = f"m{index}-{fact}"
    label = str(wording.MEMBER_FACT_LABELS[fact])
    error = str(wording.ERRORS[errors[name]]) if name in errors else ""
    help_text = str(wording.MEMBER_FACT_HELP.get(fact, ""))
    if fact == "birth_date":
        question = Question(name, "date", label, help=help_text, error=error)
        question.parts = _date_parts(f"m{index}-", BIRTH_PARTS, member.birth_parts)
        return question
    if fact == "nationality":
        options = {value: wording.NATIONALITY_CHOICES[value] for value in NATIONALITIES}
        return Question(name, "radios", label, member.nationality, help_text,
                        _choices(name, options, member.nationality), error, refresh)
    if fact == "relation":
        options = {"": _("Choose"), **_relation_options(book, language)}
        return Question(name, "select", label, member.relation, help_text, _choices(name, options, member.relation),
                        error, refresh)
    if fact == "age":
        return Question(name, "number", label, member.age_text, help_text, error=error, refresh=refresh)
    if fact == "insurance":
        options = {value: wording.INSURANCE_CHOICES[value] for value in INSURANCES}
        return Question(name, "radios", label, member.insurance, help_text,
                        _choices(name, options, member.insurance), error, refresh)
    assert fact in MEMBER_FLAGS, fact
    return Question(name, "flag", label, "1" if fact in member.flags else "", help_text, error=error, refresh=refresh)


def household_action(draft: Draft, action: str) -> tuple[Draft, str, str]:
    """A person added or removed: the new draft, where the focus goes and what to announce."""
    if action == "add" and draft.with_member_added() != draft:
        draft = draft.with_member_added()
        return draft, f"m{len(draft.members) - 1}-relation", _("Person %(number)s added.") % {
            "number": len(draft.members)}
    if action.startswith("remove-") and action[len("remove-"):].isdigit():
        index = int(action[len("remove-"):])
        if draft.without_member(index) != draft:
            return draft.without_member(index), "members-heading", _("Person %(number)s removed.") % {
                "number": index + 1}
    return draft, "", ""


@dataclass(frozen=True)
class AnswerEffects:
    focus: str
    status: str
    changed: set[int]


def answer_effects(draft: Draft, questions: Questions, *, trigger: str) -> AnswerEffects:
    """What a changed answer does to the page. ``changed``: the people whose further questions differ
    from those on the page, and the one whose own answer it was (their hint may change too).
    People with new questions are announced; when the answer was that person's own, the focus
    goes to their first new question (where Tab would have gone)."""
    focus, people, changed = "", [], set()
    for index, member in enumerate(draft.members):
        own = trigger.startswith(f"q-m{index}-")
        if set(questions.member_facts[index]) != member.asked or own:
            changed.add(index)
        new = [name for name in questions.member_facts[index] if name not in member.asked]
        if new:
            people.append(str(index + 1))
            if own and not focus:
                focus = f"m{index}-{new[0]}"
    status = _("New questions for person %(numbers)s.") % {"numbers": ", ".join(people)} if people else ""
    return AnswerEffects(focus, status, changed)


def household_context(*, draft: Draft, questions: Questions, book: RuleBook, language: str,
                      errors: dict[str, str] | None = None, focus: str = "", changed: set[int] | None = None) -> dict:
    """The questionnaire page: the event's date and facts, then one block per member."""
    errors = errors or {}
    date_error = str(wording.ERRORS[errors["event_date"]]) if "event_date" in errors else ""
    if len(draft.life_events) == 1:
        date_label = wording.EVENT_DATE_LABELS.get(draft.life_event, wording.EVENT_DATE_LABEL)
        date_help = wording.EVENT_DATE_HELP
    else:
        date_label, date_help = wording.EVENTS_DATE_LABEL, wording.EVENTS_DATE_HELP
    date_question = Question("event_date", "date", str(date_label), help=str(date_help), error=date_error)
    date_question.parts = _date_parts("", DATE_PARTS, draft.event_date_parts)
    event_questions = [date_question]
    for name in questions.event_facts:
        current = draft.event_facts.get(name, "")
        options = {value: wording.PLACE_CHOICES[value] for value in PLACES if value in EVENT_FACTS[name].choices}
        event_questions.append(Question(
            name, "radios", str(wording.EVENT_FACT_LABELS[name]), current, choices=_choices(name, options, current),
            error=str(wording.ERRORS[errors[name]]) if name in errors else "", refresh=True,
        ))
    blocks = []
    for index, member in enumerate(draft.members):
        basic = [_member_question(f, member, index, book, language, errors, refresh=True)
                 for f in questions.basic_member_facts]
        further = [_member_question(f, member, index, book, language, errors, refresh=False)
                   for f in questions.member_facts[index]]
        for question in basic + further:
            question.autofocus = question.name == focus
        block_error = str(wording.ERRORS[errors[f"m{index}"]]) if f"m{index}" in errors else ""
        blocks.append(MemberBlock(
            index=index, number=index + 1, basic=basic, further=further,
            asked=",".join(questions.member_facts[index]),
            ready=all(name in member.basic_facts(("relation", "age")) for name in ("relation", "age")),
            removable=len(draft.members) > 1, error=block_error, changed=index in (changed or set()),
        ))
    hints = [str(wording.HOUSEHOLD_HINTS[e]) for e in draft.life_events if e in wording.HOUSEHOLD_HINTS]
    return {
        "draft": draft,
        "household_hints": [*hints, str(wording.BEFORE_THE_EVENT)],
        "event_questions": event_questions,
        "members": blocks,
        "can_add": len(draft.members) < MAX_MEMBERS,
        "focus": focus,
        "error_list": _error_list(event_questions, blocks),
    }


def _error_list(event_questions: list[Question], blocks: list[MemberBlock]) -> list[dict]:
    """The error summary at the top of the page: each entry links to its field."""
    found = [{"id": q.parts[0]["id"] if q.parts else q.id, "label": q.label, "message": q.error}
             for q in event_questions if q.error]
    for block in blocks:
        person = _("Person %(number)s") % {"number": block.number}
        if block.error:
            target = block.further[0].id if block.further else f"m{block.index}"
            found.append({"id": target, "label": person, "message": block.error})
        for question in block.basic + block.further:
            if question.error:
                target = question.parts[0]["id"] if question.parts else question.id
                found.append({"id": target, "label": f"{person}: {question.label}", "message": question.error})
    return found


@dataclass
class ResultCard:
    card: ProcedureCard
    selected: bool
    deadline_text: str
    deadline_passed: bool
    # When the deadline falls on a day the office is closed: the next open day (the law moves it there).
    deadline_moved_text: str = ""


def event_names(life_events) -> str:
    """The names of the chosen life events as one title: 結婚した、引っ越してきた（転入）."""
    return str(wording.EVENT_NAME_SEPARATOR).join(event.name for event in life_events)


def date_text(value) -> str:
    """A date as residents read it: 2026年4月15日（水）, April 15, 2026 (Wed)."""
    return _("%(date)s (%(weekday)s)") % {
        "date": formats.date_format(value, "DATE_FORMAT"), "weekday": formats.date_format(value, "D"),
    }


def result_cards(cards: list[ProcedureCard], selected: set[str]) -> list[ResultCard]:
    today = timezone.localdate()
    out = []
    for card in cards:
        deadline = card.deadline
        moved = next_office_day(deadline) if deadline and office_closed(deadline) else None
        out.append(ResultCard(card, card.code in selected, date_text(deadline) if deadline else "",
                              bool(deadline and (moved or deadline) < today),
                              date_text(moved) if moved else ""))
    return out
