"""Which questions the navigator asks: derived from the rules, only those that can change the answer."""

from madoguchi.navigator.rules import questions_for


def ask(book, life_event, *members, **event_facts):
    return questions_for(life_event, event_facts, list(members), book)


def test_a_move_in_asks_where_from(book):
    assert ask(book, "move_in", {"relation": "self", "age": 38}).event_facts == ("moved_from",)


def test_a_move_out_asks_where_to(book):
    assert ask(book, "move_out", {"relation": "self", "age": 38}).event_facts == ("moving_to",)


def test_a_birth_asks_no_event_fact_but_who_is_the_baby(book):
    questions = ask(book, "birth", {"relation": "self", "age": 30})
    assert questions.event_facts == ()
    assert questions.basic_member_facts == ("relation", "age", "newborn")


def test_a_death_asks_who_died_first(book):
    assert ask(book, "death", {"relation": "self", "age": 50}).basic_member_facts == ("relation", "age", "deceased")


def test_a_move_in_asks_neither_who_died_nor_who_was_born(book):
    assert ask(book, "move_in", {"relation": "self", "age": 38}).basic_member_facts == ("relation", "age")


def test_a_member_without_an_age_gets_no_further_questions_yet(book):
    assert ask(book, "move_in", {"relation": "child"}).member_facts == ((),)


def test_a_child_of_7_is_not_asked_whether_they_are_a_civil_servant(book):
    questions = ask(book, "move_in", {"relation": "self", "age": 38}, {"relation": "child", "age": 7})
    assert "civil_servant" in questions.member_facts[0]
    assert "civil_servant" not in questions.member_facts[1]


def test_without_a_child_nobody_is_asked_whether_they_are_a_civil_servant(book):
    questions = ask(book, "move_in", {"relation": "self", "age": 38}, {"relation": "spouse", "age": 36})
    assert all("civil_servant" not in facts for facts in questions.member_facts)


def test_only_a_young_child_is_asked_about_the_nursery(book):
    questions = ask(book, "move_in", {"relation": "self", "age": 38}, {"relation": "child", "age": 3})
    assert "attends_nursery" not in questions.member_facts[0]
    assert "attends_nursery" in questions.member_facts[1]


def test_care_certification_is_asked_from_40(book):
    questions = ask(book, "move_in", {"relation": "self", "age": 39}, {"relation": "spouse", "age": 40})
    assert ["care_certified" in facts for facts in questions.member_facts] == [False, True]


def test_the_insurance_of_an_80_year_old_from_tokyo_cannot_change_anything(book):
    questions = ask(book, "move_in", {"relation": "parent", "age": 80}, moved_from="same_prefecture")
    assert "insurance" not in questions.member_facts[0]


def test_the_insurance_of_an_80_year_old_from_another_prefecture_matters(book):
    questions = ask(book, "move_in", {"relation": "parent", "age": 80}, moved_from="other_prefecture")
    assert "insurance" in questions.member_facts[0]


def test_only_the_person_who_died_is_asked_about_their_pension(book):
    questions = ask(book, "death", {"relation": "parent", "age": 80, "deceased": True},
                    {"relation": "self", "age": 50, "deceased": False})
    assert "pension_recipient" in questions.member_facts[0]
    assert questions.member_facts[1] == ("insurance",)  # a survivor's cover may end with the death


def test_questions_follow_the_vocabulary_order(book):
    facts = ask(book, "move_in", {"relation": "self", "age": 38}, {"relation": "child", "age": 7},
                moved_from="other_prefecture").member_facts[0]
    assert facts == ("insurance", "has_mynumber_card", "disability_certificate", "civil_servant")


def test_an_event_without_rules_asks_only_relation_and_age(book):
    questions = ask(book, "adoption", {"relation": "self", "age": 38})
    assert (questions.event_facts, questions.basic_member_facts, questions.member_facts) == ((), ("relation", "age"),
                                                                                                ((),))
