"""A pre-application is checked as the counter checks it. Pure: the ward's real form definitions."""

from datetime import date
from pathlib import Path

import pytest

from madoguchi.catalog.schema import parse_catalog
from madoguchi.catalog.yamlsource import read_yaml
from madoguchi.core.mynumber import IndividualNumberRefused
from madoguchi.preapply.application import (
    ApplicationInvalid,
    ContentInvalid,
    check_application,
    read_content,
)
from madoguchi.prefill.answers import answer_specs
from madoguchi.prefill.layouts import forms_for_procedures, load_forms

from .conftest import HOUSEHOLD, MOVE_ANSWERS, MOVE_PROCEDURES, RESIDENT

CATALOG = Path(__file__).resolve().parents[3] / "catalog"
TODAY = date(2025, 11, 26)


@pytest.fixture(scope="module")
def specs():
    sources = [read_yaml(p.read_text(encoding="utf-8"), p.name) for p in sorted(CATALOG.glob("*.yaml"))]
    codes = {p.code for p in parse_catalog(sources).procedures}
    return answer_specs(forms_for_procedures(load_forms(CATALOG / "forms", procedure_codes=codes), MOVE_PROCEDURES))


def check(specs, **changes):
    values = {"procedure_codes": MOVE_PROCEDURES, "identity": RESIDENT, "household": HOUSEHOLD,
              "answers": MOVE_ANSWERS, "specs": specs, "today": TODAY, **changes}
    return check_application(**values)


def test_a_move_in_reads_as_the_counter_reads_it(specs):
    application = check(specs)
    assert application.identity.name == "髙﨑　𠮷太郎" and application.identity.name_kana == "タカサキ　ヨシタロウ"
    assert application.identity.birth_date == date(1977, 4, 1)
    assert application.answers["moved_on"] == "2025-11-20"  # 和暦 kept as an ISO date
    assert [m.relationship for m in application.household] == ["世帯主", "妻"]


def test_the_content_reads_back_to_the_same_application(specs):
    application = check(specs)
    raw = read_content(application.to_content())
    again = check(specs, procedure_codes=raw.procedure_codes, identity=raw.identity, household=raw.household,
                  answers=raw.answers)
    assert again == application


def test_a_twelve_digit_number_anywhere_is_refused_naming_the_field_not_the_digits(specs):
    with pytest.raises(IndividualNumberRefused) as error:
        check(specs, answers={**MOVE_ANSWERS, "phone": "1234 5678 9018"})
    assert error.value.fields == ["answers.phone"] and "5678" not in str(error.value)
    with pytest.raises(IndividualNumberRefused):
        check(specs, household=[{**HOUSEHOLD[0], "relationship": "123456789018"}])


def test_every_problem_is_listed_at_once(specs):
    answers = {key: value for key, value in MOVE_ANSWERS.items() if key != "new_address"}
    answers.update(moved_on="R7.13.40", move_kind="引っ越し", unknown_key="x")
    with pytest.raises(ApplicationInvalid) as error:
        check(specs, identity={**RESIDENT, "birth_date": "2099-01-01"}, answers=answers)
    problems = error.value.fields
    assert {"birth_date", "answers.moved_on", "answers.move_kind", "answers.new_address", "answers.unknown_key"} \
        <= set(problems)


def test_no_procedure_or_a_household_too_large_is_refused(specs):
    with pytest.raises(ApplicationInvalid) as error:
        check(specs, procedure_codes=[], household=HOUSEHOLD * 6)
    assert {"procedures", "household"} <= set(error.value.fields)


@pytest.mark.parametrize("content", [
    [], {"procedures": []}, {"procedures": ["juki.move_in"], "life_event": "", "identity": {}, "household": [],
                             "answers": {}, "extra": 1},
    {"procedures": ["Juki move"], "life_event": "", "identity": {}, "household": [], "answers": {}},
    {"procedures": ["juki.move_in", "juki.move_in"], "life_event": "", "identity": {}, "household": [],
     "answers": {}},
    {"procedures": ["juki.move_in"], "life_event": "", "identity": [], "household": [], "answers": {}},
    {"procedures": ["juki.move_in"], "life_event": "", "identity": {}, "household": [1], "answers": {}},
    {"procedures": ["juki.move_in"], "life_event": "", "identity": {}, "household": [], "answers": {"x": 1}},
    {"procedures": ["juki.move_in"], "life_event": "Move!", "identity": {}, "household": [], "answers": {}},
])
def test_content_the_form_never_makes_is_refused(content):
    with pytest.raises(ContentInvalid):
        read_content(content)
