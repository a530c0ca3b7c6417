"""The member facts are declared once (``catalog.eligibility.MEMBER_FACTS``); the rule engine's
``Member``, the API's member schema, the questionnaire and its wording are derived from it. These
tests fail when one of them drifts from the declaration."""

import dataclasses
import typing

from madoguchi.catalog.eligibility import COMPUTED_FACTS, MEMBER_FACTS, MEMBER_INPUTS
from madoguchi.navigator import wording
from madoguchi.navigator.api import MemberIn
from madoguchi.navigator.questionnaire import ASKABLE
from madoguchi.navigator.rules import COMPUTERS, Member

INPUT_NAMES = {fact.name for fact in MEMBER_INPUTS}


def test_the_engines_member_has_exactly_the_declared_facts_and_defaults():
    fields = {f.name: f for f in dataclasses.fields(Member)}
    assert set(fields) == INPUT_NAMES
    for fact in MEMBER_INPUTS:
        if not fact.required or fact.default is not None:
            assert fields[fact.name].default == fact.default, fact.name


def test_the_api_member_has_exactly_the_declared_facts():
    assert set(MemberIn.model_fields) == INPUT_NAMES


def test_the_api_takes_the_declared_choices_and_requires_the_declared_facts():
    for fact in MEMBER_INPUTS:
        field = MemberIn.model_fields[fact.name]
        assert field.is_required() == fact.required, fact.name
        if fact.kind == "choice":
            annotation = field.annotation
            if typing.get_origin(annotation) is not typing.Literal:  # Literal[…] | None
                annotation = next(a for a in typing.get_args(annotation) if typing.get_origin(a) is typing.Literal)
            assert typing.get_args(annotation) == fact.choices, fact.name


def test_every_computed_fact_is_computed_and_none_is_given():
    assert set(COMPUTERS) == set(COMPUTED_FACTS)
    assert not INPUT_NAMES & set(COMPUTED_FACTS)


def test_every_fact_a_page_can_ask_has_its_wording():
    assert set(ASKABLE) <= INPUT_NAMES
    assert INPUT_NAMES <= set(wording.MEMBER_FACT_LABELS)
    assert set(wording.MEMBER_FACT_LABELS) <= set(MEMBER_FACTS)


def test_every_assumption_the_engine_can_make_has_a_note():
    assert {(fact, value) for fact in COMPUTED_FACTS for value in (True, False)} == set(wording.ASSUMPTION_NOTES)
