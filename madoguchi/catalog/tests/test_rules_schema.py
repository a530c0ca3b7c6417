"""The navigator's rules in the catalogue: a malformed rule is refused with its file, line and field."""

import textwrap

import pytest

from madoguchi.catalog.schema import CatalogInvalid, parse_catalog
from madoguchi.catalog.yamlsource import read_yaml

BASE = """\
sites:
  - {code: main, name_ja: 本庁舎, name_en: Main, kind: main}
departments:
  - {code: koseki, name_ja: 戸籍住民課, name_en: Records}
counters:
  - {code: c1, site: main, floor: 1, number: "1", department: koseki, name_ja: 窓口1, name_en: Counter 1}
procedures:
  - {code: juki.move_in, name_ja: 転入届, name_en: Move in, department: koseki, counters: [c1], handling_minutes: 20}
  - {code: gakumu.school_transfer, name_ja: 転校, name_en: School, department: koseki, counters: [c1],
     handling_minutes: 10}
life_events:
  - {code: move_in, name_ja: 転入, name_en: Moving in, asks: [moved_from]}
  - {code: move_out, name_ja: 転出, name_en: Moving out, asks: [moving_to], marks: stays}
  - {code: death, name_ja: 死亡, name_en: Death, marks: deceased}
relations:
  - {code: self, name_ja: ご本人, name_en: you, name_easy: あなた}
  - {code: spouse, name_ja: 配偶者, name_en: your spouse}
  - {code: child, name_ja: お子さん, name_en: your child}
  - {code: grandchild, name_ja: お孫さん, name_en: your grandchild}
  - {code: parent, name_ja: 親, name_en: your parent}
  - {code: other, name_ja: ご家族, name_en: a household member}
"""

SCHOOL_RULE = """\
rules:
  - procedure: gakumu.school_transfer
    events: [move_in]
    member:
      age: {gte: 6, lte: 14}
    reason: {ja: "{member}は学齢です", en: "{member}: school age", easy: "{member} は がっこう"}
    source: 学校教育法 第17条
    checked: 2026-11-30
"""


def parse(*texts: str):
    return parse_catalog([read_yaml(textwrap.dedent(t), f"f{i}.yaml") for i, t in enumerate(texts)])


def problems_of(*texts: str) -> list[str]:
    with pytest.raises(CatalogInvalid) as refused:
        parse(*texts)
    return [str(p) for p in refused.value.problems]


def test_a_valid_rule_parses_and_keeps_what_was_written():
    rule = parse(BASE, SCHOOL_RULE).rules[0]
    assert rule.procedure == "gakumu.school_transfer"
    assert rule.definition() == {
        "events": ["move_in"], "member": {"age": {"gte": 6, "lte": 14}},
        "reason": {"ja": "{member}は学齢です", "en": "{member}: school age", "easy": "{member} は がっこう"},
        "source": "学校教育法 第17条", "checked": "2026-11-30",
    }


def test_an_unknown_field_is_refused_with_its_line():
    problems = problems_of(BASE, SCHOOL_RULE.replace("      age: {gte: 6, lte: 14}", "      colour: blue"))
    assert len(problems) == 1
    assert problems[0].startswith("f1.yaml:5: rules[0].member.colour: unknown field 'colour' (known: relation, age,")


def test_a_bad_operator_is_refused_with_its_line():
    problems = problems_of(BASE, SCHOOL_RULE.replace("gte: 6", "gteq: 6"))
    assert problems == ["f1.yaml:5: rules[0].member.age.gteq: unknown operator 'gteq' for age "
                        "(known: eq, ne, in, not_in, gt, gte, lt, lte)"]


def test_an_unknown_procedure_is_refused():
    problems = problems_of(BASE, SCHOOL_RULE.replace("gakumu.school_transfer", "gakumu.school"))
    assert problems == ["f1.yaml:2: rules[0].procedure: unknown procedure 'gakumu.school'"]


def test_an_unknown_life_event_is_refused():
    problems = problems_of(BASE, SCHOOL_RULE.replace("[move_in]", "[move_in, moved]"))
    assert problems == ["f1.yaml:3: rules[0].events[1]: unknown life event 'moved'"]


def test_a_value_outside_the_vocabulary_is_refused():
    problems = problems_of(BASE, SCHOOL_RULE.replace("age: {gte: 6, lte: 14}", "insurance: [national, purple]"))
    assert problems == ["f1.yaml:5: rules[0].member.insurance[1]: 'purple' is not a value of insurance "
                        "(known: employee, employee_dependent, national, late_stage, welfare, none)"]


def test_an_age_must_be_a_whole_number():
    problems = problems_of(BASE, SCHOOL_RULE.replace("gte: 6", "gte: six"))
    assert problems == ["f1.yaml:5: rules[0].member.age.gte: age needs a whole number from 0 to 130, not 'six'"]


def test_a_flag_is_tested_with_true_or_false():
    problems = problems_of(BASE, SCHOOL_RULE.replace("age: {gte: 6, lte: 14}", "civil_servant: maybe"))
    assert problems == ["f1.yaml:5: rules[0].member.civil_servant: civil_servant is a yes/no fact: "
                        "write true or false, not 'maybe'"]


def test_an_event_fact_of_another_event_is_refused():
    problems = problems_of(BASE, SCHOOL_RULE.replace("    member:", "    when: {moving_to: abroad}\n    member:"))
    assert problems == ["f1.yaml:4: rules[0].when.moving_to: moving_to is asked only for move_out"]


def test_an_unknown_household_quantifier_is_refused():
    rule = SCHOOL_RULE.replace("    member:", "    household:\n      - some: {relation: child}\n    member:")
    assert problems_of(BASE, rule) == [
        "f1.yaml:5: rules[0].household[0].some: unknown quantifier 'some' (known: any, all, none, two_or_more)"
    ]


def test_a_member_rule_must_name_the_member_in_every_language():
    problems = problems_of(BASE, SCHOOL_RULE.replace('en: "{member}: school age"', 'en: "school age"'))
    assert problems == ["f1.yaml:6: rules[0].reason.en: the reason must name the member: write {member}"]


def test_a_household_rule_cannot_name_a_member():
    rule = SCHOOL_RULE.replace("    member:\n      age: {gte: 6, lte: 14}\n", "")
    problems = problems_of(BASE, rule)
    assert "f1.yaml:4: rules[0].reason.ja: {member} needs a member: condition on the rule" in problems


def test_an_unknown_placeholder_is_refused():
    problems = problems_of(BASE, SCHOOL_RULE.replace("{member}: school age", "{name}: school age"))
    assert problems == ["f1.yaml:6: rules[0].reason.en: unknown placeholder(s) name: only {member} is known"]


def test_a_rule_needs_its_reason_in_easy_japanese_too():
    problems = problems_of(BASE, SCHOOL_RULE.replace(', easy: "{member} は がっこう"', ""))
    assert problems == ["f1.yaml:6: rules[0].reason.easy: Field required"]


def test_a_rule_with_an_unknown_key_is_refused():
    problems = problems_of(BASE, SCHOOL_RULE.replace("    events:", "    optional: yes\n    events:"))
    assert problems == ["f1.yaml:3: rules[0].optional: Extra inputs are not permitted"]


def test_an_unknown_relation_is_refused():
    problems = problems_of(BASE, "relations:\n  - {code: cousin, name_ja: いとこ, name_en: your cousin}\n")
    assert problems == ["f1.yaml:2: relations[0].code: unknown relation 'cousin' "
                        "(known: self, spouse, child, grandchild, parent, other)"]


def test_rules_need_a_name_for_every_relation():
    base = BASE.replace("  - {code: other, name_ja: ご家族, name_en: a household member}\n", "")
    problems = problems_of(base, SCHOOL_RULE)
    assert problems == ["f1.yaml:2: rules[0]: the rules name members by relation, but the relations section "
                        "has no name for: other"]


def test_a_rule_without_a_source_is_refused_with_its_line():
    problems = problems_of(BASE, SCHOOL_RULE.replace("    source: 学校教育法 第17条\n", ""))
    assert problems == ["f1.yaml:2: rules[0]: the rule names no source: write source (a URL, or the law and its "
                        "article) and checked (the date it was checked against it)"]


def test_a_rule_without_the_day_it_was_checked_is_refused_with_its_line():
    problems = problems_of(BASE, SCHOOL_RULE.replace("    checked: 2026-11-30\n", ""))
    assert problems == ["f1.yaml:2: rules[0]: the rule has no checked date: write checked (YYYY-MM-DD), the day "
                        "its source was last checked"]


def test_a_checked_day_must_be_a_date():
    problems = problems_of(BASE, SCHOOL_RULE.replace("checked: 2026-11-30", "checked: last week"))
    assert len(problems) == 1 and problems[0].startswith("f1.yaml:8: rules[0].checked: ")


def test_a_source_that_looks_like_a_web_address_must_be_one():
    problems = problems_of(BASE, SCHOOL_RULE.replace("学校教育法 第17条", "https://"))
    assert problems == ["f1.yaml:7: rules[0].source: 'https://' is not a web address"]


def test_a_rule_about_the_person_who_died_must_be_about_a_death():
    rule = SCHOOL_RULE.replace("      age: {gte: 6, lte: 14}", "      deceased: true")
    assert problems_of(BASE, rule) == ["f1.yaml:5: rules[0].member.deceased: deceased is true only for death"]


def test_a_school_year_fact_is_a_yes_or_no():
    rule = SCHOOL_RULE.replace("      age: {gte: 6, lte: 14}", "      school_age: 7")
    assert problems_of(BASE, rule) == ["f1.yaml:5: rules[0].member.school_age: school_age is a yes/no fact: "
                                       "write true or false, not 7"]


def test_a_birth_date_cannot_be_tested():
    rule = SCHOOL_RULE.replace("      age: {gte: 6, lte: 14}", "      birth_date: 2020-04-01")
    assert problems_of(BASE, rule) == ["f1.yaml:5: rules[0].member.birth_date: birth_date cannot be tested: "
                                       "test age, school_age, preschool or child_period"]


def test_a_life_event_asks_only_known_event_facts_and_marks_with_a_marker():
    base = BASE.replace("asks: [moved_from]", "asks: [moved_to]").replace("marks: deceased", "marks: householder")
    assert problems_of(base) == [
        "f0.yaml:12: life_events[0].asks[0]: unknown event fact 'moved_to' (known: moved_from, moving_to)",
        "f0.yaml:14: life_events[2].marks: 'householder' cannot mark who an event is about "
        "(known: deceased, newborn, stays, starts_job, leaves_job)",
    ]


def test_two_or_more_counts_members():
    rule = SCHOOL_RULE.replace("    member:", "    household:\n      - two_or_more: {age: {gte: 15}}\n    member:")
    assert parse(BASE, rule).rules[0].household == [{"two_or_more": {"age": {"gte": 15}}}]
