"""The questionnaire's state in the form: read back whatever was posted, and check it is complete."""

from datetime import date

from madoguchi.navigator.questionnaire import (
    MAX_MEMBERS,
    Draft,
    MemberDraft,
    check_draft,
    draft_fields,
    draft_questions,
    mark_asked,
    read_draft,
)

FAMILY_FORM = {
    "event_year": "2026", "event_month": "4", "event_day": "1", "moved_from": "other_prefecture", "members": "2",
    "m0-relation": "self", "m0-age": "38", "m0-insurance": "employee", "m0-has_mynumber_card": "1",
    "m0-asked": "insurance,has_mynumber_card,disability_certificate,civil_servant",
    "m1-relation": "child", "m1-age": "7", "m1-insurance": "employee",
    "m1-asked": "insurance,has_mynumber_card,disability_certificate",
}


def test_a_posted_form_reads_back_as_the_same_fields(book):
    draft = read_draft("move_in", FAMILY_FORM)
    assert dict(draft_fields(draft)) == FAMILY_FORM


def test_a_complete_form_gives_the_engines_answers(book):
    draft = read_draft("move_in", FAMILY_FORM)
    answers = check_draft(draft, draft_questions(draft, book)).answers
    assert answers.event_date == date(2026, 4, 1)
    assert answers.moved_from == "other_prefecture"
    assert [(m.relation, m.age, m.has_mynumber_card) for m in answers.household] == [("self", 38, True),
                                                                                    ("child", 7, False)]


def test_a_missing_date_age_and_relation_are_named(book):
    draft = read_draft("move_in", {"moved_from": "abroad", "members": "1", "m0-age": "abc"})
    assert check_draft(draft, draft_questions(draft, book)).errors == {
        "event_date": "date", "m0-relation": "choose", "m0-age": "age",
    }


def test_an_unanswered_event_fact_is_named(book):
    draft = read_draft("move_in", {**FAMILY_FORM, "moved_from": ""})
    assert check_draft(draft, draft_questions(draft, book)).errors["moved_from"] == "choose"


def test_questions_the_page_never_showed_send_the_visitor_back(book):
    draft = read_draft("move_in", {**FAMILY_FORM, "m1-age": "3"})  # now a nursery question applies
    assert check_draft(draft, draft_questions(draft, book)).errors == {"m1": "new_questions"}


def test_a_flag_posted_for_a_question_never_asked_counts_as_no(book):
    draft = read_draft("move_in", {**FAMILY_FORM, "m1-civil_servant": "1"})
    answers = check_draft(draft, draft_questions(draft, book)).answers
    assert answers.household[1].civil_servant is False


def test_the_asked_questions_are_recorded_for_the_next_post(book):
    draft = Draft("move_in", ("2026", "4", "1"), {"moved_from": "abroad"}, (MemberDraft("self", "30"),))
    marked = mark_asked(draft, draft_questions(draft, book))
    assert "insurance" in marked.members[0].asked


def test_the_household_is_capped(book):
    draft = read_draft("move_in", {"members": "999"})
    assert len(draft.members) == MAX_MEMBERS
    assert draft.with_member_added() == draft


def test_the_last_member_cannot_be_removed():
    draft = Draft("move_in")
    assert draft.without_member(0) == draft


def test_removing_a_member_keeps_the_others_in_order():
    draft = Draft("move_in", members=(MemberDraft("self"), MemberDraft("spouse"), MemberDraft("child")))
    assert [m.relation for m in draft.without_member(1).members] == ["self", "child"]


def test_an_impossible_date_is_not_a_date():
    assert Draft("move_in", ("2026", "2", "30")).event_date is None


def test_a_date_is_typed_as_year_month_and_day():
    assert Draft("move_in", (" 2026", "04", "1 ")).event_date == date(2026, 4, 1)
