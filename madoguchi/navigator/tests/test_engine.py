"""The engine's parts: conditions, deadlines and texts, on hand-written rules."""

from datetime import date

import pytest

from madoguchi.navigator.rules import (
    Condition,
    ProcedureTerms,
    RuleBook,
    Texts,
    deadline_for,
    evaluate,
)

from .households import answers, person


def test_a_bare_value_tests_equality():
    assert Condition({"relation": "child"}).holds({"relation": "child"})
    assert not Condition({"relation": "child"}).holds({"relation": "self"})


def test_a_list_tests_membership():
    assert Condition({"insurance": ["national", "none"]}).holds({"insurance": "none"})


@pytest.mark.parametrize(("test", "age", "holds"), [
    ({"gte": 6, "lte": 14}, 6, True), ({"gte": 6, "lte": 14}, 15, False), ({"gt": 74}, 75, True),
    ({"lt": 75}, 75, False), ({"ne": 18}, 18, False), ({"not_in": [1, 2]}, 3, True),
])
def test_operators(test, age, holds):
    assert Condition({"age": test}).holds({"age": age}) is holds


def test_an_unanswered_fact_fails_an_equality():
    assert not Condition({"moved_from": "abroad"}).holds({"moved_from": None})


def test_an_unknown_fact_leaves_a_condition_open():
    assert Condition({"relation": "child", "age": {"lte": 6}}).maybe({"relation": "child"}) is None


def test_one_known_failing_fact_closes_a_condition():
    assert Condition({"relation": "child", "attends_nursery": True}).maybe({"relation": "self"}) is False


def test_the_day_after_the_event_is_day_1_by_default():
    assert deadline_for(date(2026, 3, 31), ProcedureTerms(14)) == date(2026, 4, 14)


def test_the_family_register_act_counts_the_event_day_as_day_1():
    assert deadline_for(date(2026, 3, 31), ProcedureTerms(14, deadline_counts_event_day=True)) == date(2026, 4, 13)


def test_no_deadline_days_no_deadline():
    assert deadline_for(date(2026, 3, 31), ProcedureTerms(None)) is None


@pytest.mark.parametrize(("language", "text"), [("ja", "日本語"), ("en", "English"), ("en-us", "English"),
                                                ("ja-easy", "にほんご")])
def test_a_text_in_each_language(language, text):
    assert Texts("日本語", "English", "にほんご").in_language(language) == text


def test_easy_japanese_falls_back_to_japanese():
    assert Texts("日本語", "English").in_language("ja-easy") == "日本語"


def _book(*definitions):
    return RuleBook.build(definitions, {"self": Texts("ご本人", "you", "あなた")},
                          {"a.first": ProcedureTerms(), "b.second": ProcedureTerms(3)})


def test_a_rule_without_a_member_applies_once_for_the_household():
    book = _book({"procedure": "a.first", "events": ["move_in"], "reason": {"ja": "理由", "en": "why"}})
    found = evaluate(answers("move_in", person("self", 30), person("self", 31)), book)
    assert [(f.code, len(f.reasons)) for f in found] == [("a.first", 1)]


def test_a_household_clause_must_hold_for_the_rule_to_apply():
    book = _book({"procedure": "a.first", "events": ["move_in"], "household": [{"any": {"age": {"lt": 18}}}],
                  "reason": {"ja": "理由", "en": "why"}})
    assert evaluate(answers("move_in", person("self", 30)), book) == []


def test_findings_come_in_the_catalogues_order_not_the_rules_order():
    book = _book(
        {"procedure": "b.second", "events": ["birth"], "reason": {"ja": "二", "en": "two"}},
        {"procedure": "a.first", "events": ["birth"], "reason": {"ja": "一", "en": "one"}},
    )
    assert [f.code for f in evaluate(answers("birth", person("self", 30)), book)] == ["a.first", "b.second"]


def test_a_rule_of_another_event_does_not_apply():
    book = _book({"procedure": "a.first", "events": ["death"], "reason": {"ja": "理由", "en": "why"}})
    assert evaluate(answers("birth", person("self", 30)), book) == []


def test_the_engine_the_qr_format_and_the_questionnaire_import_no_django():
    import subprocess
    import sys

    code = ("import sys, madoguchi.navigator.rules, madoguchi.navigator.qr, madoguchi.navigator.questionnaire, "
            "madoguchi.catalog.eligibility; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
