"""What each source prints on a form."""

from datetime import date

import pytest

from madoguchi.prefill.fill import VisitInfo, is_child, members_for, resolve
from madoguchi.prefill.identity import HouseholdMember, Sex
from madoguchi.prefill.layouts import FieldSpec


def printed(source: str, identity, household, answers=None, **spec):
    field = FieldSpec(source=source, x=0, y=0, **spec)
    return resolve(field, identity=identity, household=household, answers=answers or {},
                   visit=VisitInfo(date(2025, 11, 26), "A-023"))


def test_the_birth_date_prints_in_wareki(identity, household):
    assert printed("identity.birth_date", identity, household) == "昭和52年4月1日"


def test_the_name_prints_exactly(identity, household):
    assert printed("identity.name", identity, household) == "髙﨑　𠮷太郎"


def test_sex_prints_as_a_kanji(identity, household):
    assert printed("identity.sex", identity, household) == "男"
    assert printed("household[1].sex", identity, household) == "女"


def test_sex_not_applicable_prints_blank():
    assert Sex.NOT_APPLICABLE.label_ja == "" and Sex.UNKNOWN.label_ja == ""


def test_a_household_member_the_visit_does_not_have_prints_blank(identity, household):
    assert printed("household[7].name", identity, household) == ""


def test_the_visit_date_prints_in_wareki_and_the_ticket_as_is(identity, household):
    assert printed("visit.date", identity, household) == "令和7年11月26日"
    assert printed("visit.ticket_number", identity, household) == "A-023"


def test_a_date_answer_typed_in_any_form_prints_in_wareki(identity, household):
    assert printed("answers.moved_on", identity, household, {"moved_on": "2025/11/20"},
                   label="異動日", kind="date") == "令和7年11月20日"


def test_an_answer_not_given_prints_blank(identity, household):
    assert printed("answers.phone", identity, household, {}, label="電話") == ""


def test_fixed_text_prints_itself(identity, household):
    assert printed("text", identity, household, text="（あて先）板橋区長") == "（あて先）板橋区長"


def member(born: date) -> HouseholdMember:
    return HouseholdMember("子", "コ", born, Sex.MALE, "子")


@pytest.mark.parametrize(("born", "last_day"), [
    (date(2007, 4, 1), date(2025, 3, 31)),  # reaches 18 on 2025-03-31: that March 31 is the last
    (date(2007, 4, 2), date(2026, 3, 31)),  # reaches 18 on 2025-04-01: the next March 31
    (date(2008, 1, 1), date(2026, 3, 31)),
    (date(2007, 12, 5), date(2026, 3, 31)),
])
def test_a_child_counts_until_the_march_31_after_the_18th_birthday(born, last_day):
    assert is_child(member(born), last_day)
    assert not is_child(member(born), date.fromordinal(last_day.toordinal() + 1))


def test_children_selection_leaves_the_parents_out(household):
    table = type("Table", (), {"select": "children", "with_applicant": False})()
    selected = members_for(table, household, VisitInfo(date(2025, 11, 26), "A-1"))
    assert [m.name for m in selected] == ["髙﨑　𠮷男"]
