"""Builders for households and answers in the navigator's tests."""

from datetime import date

from madoguchi.navigator.rules import Answers, Finding, Member, RuleBook, evaluate

EVENT_DATE = date(2026, 4, 1)


def person(relation: str, age: int, insurance: str = "employee", **flags) -> Member:
    return Member(relation=relation, age=age, insurance=insurance, **flags)


def answers(life_event: str, *household: Member, on: date = EVENT_DATE, moved_from: str | None = None,
            moving_to: str | None = None) -> Answers:
    return Answers(life_event, on, tuple(household), moved_from=moved_from, moving_to=moving_to)


def findings_of(book: RuleBook, life_event: str, *household: Member, **facts) -> dict[str, Finding]:
    """code → Finding for these answers."""
    return {f.code: f for f in evaluate(answers(life_event, *household, **facts), book)}
