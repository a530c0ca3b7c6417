
"""What the forms ask beyond the identity, and the one check of a typed answer."""

import pytest

from madoguchi.core.errors import DomainError
from madoguchi.prefill.answers import AnswerSpec, answer_problems, answer_specs, clean_answer, missing_answers
from madoguchi.prefill.layouts import forms_for_procedures

# The messages are checked in English (they are translated when shown).
pytestmark = pytest.mark.usefixtures("english")


DATE = AnswerSpec("moved_on", "異動日", True, "date", (), ("juki.idou",))
CHOICE = AnswerSpec("move_kind", "異動の種類", True, "choice", ("転入", "転居"), ("juki.idou",))
TEXT = AnswerSpec("phone", "電話番号", False, "text", (), ("juki.idou",))


def test_answers_are_asked_once_across_forms(ward_forms):
    chosen = forms_for_procedures(ward_forms, ["juki.move_in", "nhi.enroll"])
    specs = answer_specs(chosen)
    keys = [s.key for s in specs]
    assert len(keys) == len(set(keys))
    phone = next(s for s in specs if s.key == "phone")
    assert phone.forms == ("juki.idou", "nhi.idou")


def test_missing_answers_are_the_required_ones_not_given(ward_forms):
    chosen = forms_for_procedures(ward_forms, ["juki.move_in"])
    missing = {s.key for s in missing_answers(chosen, {"move_kind": "転入", "moved_on": " "})}
    assert missing == {"moved_on", "new_address"}


def test_a_blank_answer_is_no_answer_and_no_problem():
    assert clean_answer(TEXT, "  ") is None
    assert clean_answer(TEXT, None) is None


def test_a_date_answer_is_read_in_wareki_and_kept_as_iso():
    assert clean_answer(DATE, "R7.11.20") == "2025-11-20"


def test_an_impossible_date_is_refused_at_its_answer():
    with pytest.raises(DomainError) as refused:
        clean_answer(DATE, "2026-02-30")
    assert refused.value.as_dict() == {"answers.moved_on": "2026-02-30 is not a calendar date."}


def test_a_choice_must_be_one_of_its_options():
    assert clean_answer(CHOICE, "転居") == "転居"
    with pytest.raises(DomainError, match="Choose one of: 転入・転居"):
        clean_answer(CHOICE, "転出")


@pytest.mark.parametrize("value", ["x" * 201, ["a list"], {"a": "mapping"}])
def test_an_overlong_or_non_text_answer_is_refused(value):
    with pytest.raises(DomainError) as refused:
        clean_answer(TEXT, value)
    assert refused.value.fields == ["answers.phone"]


def test_the_pdf_check_lists_a_missing_answer_and_a_bad_one_together(ward_forms):
    chosen = forms_for_procedures(ward_forms, ["juki.move_in"])
    problems = answer_problems(chosen, {"move_kind": "引っ越し", "moved_on": "R7.11.20"})
    assert sorted(field for problem in problems for field in problem.fields) == [
        "answers.move_kind", "answers.new_address"]
