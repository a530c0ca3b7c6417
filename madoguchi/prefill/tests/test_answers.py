"""What the forms ask beyond the identity, and the one check of a typed answer."""

from madoguchi.prefill.answers import AnswerSpec, answer_specs, clean_answer, missing_answers
from madoguchi.prefill.layouts import forms_for_procedures

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
    assert clean_answer(TEXT, "  ") == (None, None)
    assert clean_answer(TEXT, None) == (None, None)


def test_a_date_answer_is_read_in_wareki_and_kept_as_iso():
    assert clean_answer(DATE, "R7.11.20") == ("2025-11-20", None)


def test_an_impossible_date_is_a_problem():
    value, problem = clean_answer(DATE, "2026-02-30")
    assert value is None and problem


def test_a_choice_must_be_one_of_its_options():
    assert clean_answer(CHOICE, "転居") == ("転居", None)
    value, problem = clean_answer(CHOICE, "転出")
    assert value is None and "転入" in str(problem)


def test_an_overlong_or_non_text_answer_is_a_problem():
    assert clean_answer(TEXT, "x" * 201)[1]
    assert clean_answer(TEXT, ["a list"])[1]
