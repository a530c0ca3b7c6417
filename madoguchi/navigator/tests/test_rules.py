"""Every rule of DOMAIN.md's procedures table, on the starter rules as the catalogue loader reads them.

One procedure code after another: when it applies, and the nearest case where it does not.
"""

from datetime import date

import pytest

from .households import findings_of, person

SELF = person("self", 38)
CHILD_7 = person("child", 7)

# --- resident record and family register ---------------------------------------------------


def test_move_in_needs_the_moving_in_notification(book):
    found = findings_of(book, "move_in", SELF, moved_from="other_prefecture")
    assert found["juki.move_in"].required


def test_the_moving_in_notification_is_due_14_days_after_the_move(book):
    found = findings_of(book, "move_in", SELF, moved_from="same_prefecture")
    assert found["juki.move_in"].deadline == date(2026, 4, 15)


def test_a_move_within_the_ward_needs_the_change_of_address_not_a_moving_in(book):
    found = findings_of(book, "move_within", SELF)
    assert found["juki.move_within"].required
    assert "juki.move_in" not in found


def test_a_move_out_needs_the_moving_out_notification(book):
    found = findings_of(book, "move_out", SELF, moving_to="other_prefecture")
    assert found["juki.move_out"].required


def test_a_birth_registration_is_due_on_the_14th_day_counting_the_day_of_birth(book):
    found = findings_of(book, "birth", SELF, person("child", 0, newborn=True))
    assert found["koseki.birth"].deadline == date(2026, 4, 14)


def test_a_death_registration_is_due_on_the_7th_day_counting_the_day_of_death(book):
    found = findings_of(book, "death", person("self", 80, "late_stage", deceased=True))
    assert found["koseki.death"].deadline == date(2026, 4, 7)


def test_a_marriage_needs_the_marriage_registration(book):
    assert findings_of(book, "marriage", SELF, person("spouse", 35))["koseki.marriage"].required


def test_a_divorce_needs_the_divorce_registration(book):
    assert findings_of(book, "divorce", SELF)["koseki.divorce"].required


# --- My Number card and seal ---------------------------------------------------------------


@pytest.mark.parametrize("life_event", ["move_in", "move_within"])
def test_each_card_holder_updates_the_my_number_card_on_moving(book, life_event):
    found = findings_of(book, life_event, person("self", 38, has_mynumber_card=True), person("child", 7),
                        **({"moved_from": "same_prefecture"} if life_event == "move_in" else {}))
    assert [r.en for r in found["mynumber.card_update"].reasons] == [
        "You (38): holds a My Number card, whose address must be updated."
    ]


def test_nobody_without_a_card_updates_one(book):
    assert "mynumber.card_update" not in findings_of(book, "move_within", SELF)


def test_a_name_change_on_marriage_updates_the_card(book):
    found = findings_of(book, "marriage", person("self", 30, has_mynumber_card=True, name_changes=True))
    assert found["mynumber.card_update"].required


def test_a_marriage_without_a_name_change_leaves_the_card_alone(book):
    assert "mynumber.card_update" not in findings_of(book, "marriage", person("self", 30, has_mynumber_card=True))


def test_seal_registration_is_optional_for_members_aged_15_and_over(book):
    found = findings_of(book, "move_in", person("self", 40), person("child", 15), person("child", 14),
                        moved_from="same_prefecture")
    assert found["seal.register"].required is False
    assert [r.en for r in found["seal.register"].reasons] == [
        "You (40): aged 15 or over, so may register a seal if one is needed (a registration elsewhere ended "
        "with the move).",
        "Your child (15): aged 15 or over, so may register a seal if one is needed (a registration elsewhere "
        "ended with the move).",
    ]


def test_seal_registration_is_offered_on_a_name_change_by_divorce(book):
    found = findings_of(book, "divorce", person("self", 33, name_changes=True))
    assert found["seal.register"].required is False


# --- National Health Insurance and pension -------------------------------------------------


@pytest.mark.parametrize("insurance", ["national", "none"])
def test_a_member_under_75_without_employee_insurance_joins_nhi_on_moving_in(book, insurance):
    found = findings_of(book, "move_in", person("self", 74, insurance), moved_from="other_prefecture")
    assert found["nhi.enroll"].required
    assert found["nhi.enroll"].deadline == date(2026, 4, 15)


@pytest.mark.parametrize("insurance", ["employee", "welfare"])
def test_employee_insurance_or_welfare_keeps_a_member_out_of_nhi(book, insurance):
    assert "nhi.enroll" not in findings_of(book, "move_in", person("self", 40, insurance), moved_from="abroad")


def test_a_member_of_75_joins_late_stage_care_not_nhi(book):
    assert "nhi.enroll" not in findings_of(book, "move_in", person("self", 75, "none"), moved_from="abroad")


def test_a_baby_born_into_an_nhi_household_joins_nhi(book):
    found = findings_of(book, "birth", person("self", 30, "national"), person("child", 0, "none", newborn=True))
    assert [r.en for r in found["nhi.enroll"].reasons] == [
        "Your child (0): born into a household on National Health Insurance, so joins it within 14 days."
    ]


def test_a_baby_of_a_parent_with_employee_insurance_does_not_join_nhi(book):
    found = findings_of(book, "birth", person("self", 30, "national"), person("spouse", 31, "employee"),
                        person("child", 0, "none", newborn=True))
    assert "nhi.enroll" not in found


def test_leaving_a_spouses_company_insurance_on_divorce_means_joining_nhi(book):
    found = findings_of(book, "divorce", person("self", 35, "employee_dependent"),
                        person("child", 5, "employee_dependent"))
    assert found["nhi.enroll"].required
    assert found["nhi.enroll"].reasons[0].en.startswith("You (35): the divorce ends the cover as a dependant")


def test_someone_without_any_health_insurance_joins_nhi_on_divorce(book):
    found = findings_of(book, "divorce", person("self", 35, "none"), person("child", 5, "employee"))
    assert found["nhi.enroll"].reasons[0].en.startswith("You (35): has no health insurance")


def test_an_nhi_member_moving_out_leaves_nhi(book):
    found = findings_of(book, "move_out", person("self", 50, "national"), moving_to="same_prefecture")
    assert found["nhi.withdraw"].required


def test_an_nhi_member_who_died_leaves_nhi(book):
    found = findings_of(book, "death", person("parent", 70, "national", deceased=True), SELF)
    assert found["nhi.withdraw"].required


def test_joining_a_spouses_company_insurance_on_marriage_may_mean_leaving_nhi(book):
    found = findings_of(book, "marriage", person("self", 30, "national"), person("spouse", 32, "employee"))
    assert found["nhi.withdraw"].required is False


def test_the_death_of_an_nhi_member_brings_the_funeral_benefit(book):
    found = findings_of(book, "death", person("parent", 70, "national", deceased=True), SELF)
    assert "70,000 yen" in found["nhi.funeral_benefit"].reasons[0].en


def test_no_nhi_funeral_benefit_for_a_member_on_employee_insurance(book):
    assert "nhi.funeral_benefit" not in findings_of(book, "death", person("parent", 70, deceased=True), SELF)


def test_the_childbirth_lump_sum_is_offered_to_a_mother_on_nhi(book):
    found = findings_of(book, "birth", person("self", 31, "national"), person("child", 0, "none", newborn=True))
    assert found["nhi.birth_lump_sum"].required is False


def test_no_nhi_childbirth_lump_sum_when_both_parents_have_employee_insurance(book):
    found = findings_of(book, "birth", SELF, person("spouse", 34), person("child", 0, newborn=True))
    assert "nhi.birth_lump_sum" not in found


@pytest.mark.parametrize("age", [20, 59])
def test_a_member_aged_20_to_59_on_nhi_moving_in_from_abroad_joins_the_pension(book, age):
    assert "pension.enroll" in findings_of(book, "move_in", person("self", age, "none"), moved_from="abroad")


@pytest.mark.parametrize("age", [19, 60])
def test_the_pension_enrolment_stops_outside_20_to_59(book, age):
    assert "pension.enroll" not in findings_of(book, "move_in", person("self", age, "none"), moved_from="abroad")


def test_no_pension_enrolment_when_moving_in_from_within_japan(book):
    found = findings_of(book, "move_in", person("self", 30, "national"), moved_from="other_prefecture")
    assert "pension.enroll" not in found


def test_the_death_of_a_pension_recipient_is_reported(book):
    found = findings_of(book, "death", person("parent", 82, "late_stage", deceased=True, pension_recipient=True))
    assert found["pension.death"].required


def test_no_pension_report_when_the_deceased_received_no_pension(book):
    assert "pension.death" not in findings_of(book, "death", person("parent", 50, deceased=True))


# --- late-stage elderly medical care (75+) ---------------------------------------------------


def test_a_member_of_75_moving_in_from_another_prefecture_joins_kouki_with_the_certificate(book):
    found = findings_of(book, "move_in", person("parent", 75, "late_stage"), moved_from="other_prefecture")
    assert "負担区分等証明書" in found["kouki.enroll"].reasons[0].ja


def test_a_member_of_75_moving_in_from_abroad_joins_kouki(book):
    assert "kouki.enroll" in findings_of(book, "move_in", person("parent", 80, "none"), moved_from="abroad")


def test_no_kouki_enrolment_when_moving_in_from_elsewhere_in_tokyo(book):
    found = findings_of(book, "move_in", person("parent", 80, "late_stage"), moved_from="same_prefecture")
    assert "kouki.enroll" not in found


def test_no_kouki_enrolment_at_74(book):
    found = findings_of(book, "move_in", person("parent", 74, "national"), moved_from="other_prefecture")
    assert "kouki.enroll" not in found


def test_a_member_of_75_on_welfare_is_outside_kouki(book):
    found = findings_of(book, "move_in", person("parent", 80, "welfare"), moved_from="other_prefecture")
    assert "kouki.enroll" not in found


@pytest.mark.parametrize("moving_to", ["other_prefecture", "abroad"])
def test_a_member_of_75_leaving_tokyo_leaves_kouki(book, moving_to):
    assert "kouki.withdraw" in findings_of(book, "move_out", person("self", 76, "late_stage"), moving_to=moving_to)


def test_a_member_of_75_moving_within_tokyo_keeps_kouki(book):
    found = findings_of(book, "move_out", person("self", 76, "late_stage"), moving_to="same_prefecture")
    assert "kouki.withdraw" not in found


def test_the_death_of_a_member_of_75_ends_kouki(book):
    assert "kouki.withdraw" in findings_of(book, "death", person("parent", 90, "late_stage", deceased=True))


def test_the_death_of_a_member_of_75_brings_the_kouki_funeral_benefit(book):
    assert "kouki.funeral_benefit" in findings_of(book, "death", person("parent", 75, "late_stage", deceased=True))


def test_no_kouki_funeral_benefit_at_74(book):
    assert "kouki.funeral_benefit" not in findings_of(book, "death", person("parent", 74, "national", deceased=True))


# --- long-term care insurance (65+) --------------------------------------------------------


@pytest.mark.parametrize("moved_from", ["same_prefecture", "other_prefecture", "abroad"])
def test_a_member_of_65_joins_care_insurance_whatever_the_origin(book, moved_from):
    assert "kaigo.enroll" in findings_of(book, "move_in", person("self", 65, "national"), moved_from=moved_from)


def test_no_care_insurance_enrolment_at_64(book):
    found = findings_of(book, "move_in", person("self", 64, "national"), moved_from="same_prefecture")
    assert "kaigo.enroll" not in found


def test_a_care_certified_member_under_65_transfers_the_certification(book):
    found = findings_of(book, "move_in", person("self", 50, care_certified=True), moved_from="same_prefecture")
    assert "certified as needing care" in found["kaigo.enroll"].reasons[0].en


def test_a_member_of_65_moving_out_leaves_care_insurance(book):
    assert "kaigo.withdraw" in findings_of(book, "move_out", person("self", 65), moving_to="same_prefecture")


def test_the_death_of_a_member_of_65_ends_care_insurance(book):
    assert "kaigo.withdraw" in findings_of(book, "death", person("parent", 65, "national", deceased=True))


def test_no_care_insurance_withdrawal_at_64(book):
    assert "kaigo.withdraw" not in findings_of(book, "move_out", person("self", 64), moving_to="abroad")


# --- disability ------------------------------------------------------------------------------


@pytest.mark.parametrize("life_event", ["move_in", "move_within"])
def test_a_disability_certificate_gets_the_new_address(book, life_event):
    facts = {"moved_from": "same_prefecture"} if life_event == "move_in" else {}
    found = findings_of(book, life_event, person("self", 40, disability_certificate=True), **facts)
    assert "shogai.certificate" in found


def test_the_disability_certificate_of_a_member_who_died_is_returned(book):
    found = findings_of(book, "death", person("parent", 60, deceased=True, disability_certificate=True))
    assert "return" in found["shogai.certificate"].reasons[0].en


def test_no_disability_procedure_without_a_certificate(book):
    assert "shogai.certificate" not in findings_of(book, "move_within", SELF)


# --- children ------------------------------------------------------------------------------


def test_a_child_moving_in_brings_the_child_allowance_due_15_days_after(book):
    found = findings_of(book, "move_in", SELF, CHILD_7, moved_from="other_prefecture")
    assert found["kosodate.child_allowance"].required
    assert found["kosodate.child_allowance"].deadline == date(2026, 4, 16)


def test_the_child_allowance_covers_a_child_of_17(book):
    found = findings_of(book, "move_in", SELF, person("child", 17), moved_from="same_prefecture")
    assert found["kosodate.child_allowance"].required


def test_the_child_allowance_of_an_18_year_old_depends_on_the_march_31_after_the_birthday(book):
    # In June an 18-year-old may or may not have passed the first March 31 after turning 18.
    found = findings_of(book, "move_in", person("self", 45), person("child", 18), moved_from="same_prefecture",
                        on=date(2026, 6, 1))
    assert found["kosodate.child_allowance"].required is False
    reason = found["kosodate.child_allowance"].reasons[0]
    assert "March 31" in reason.en
    assert [(a.member.en, a.fact, a.value) for a in reason.assumed] == [("your child (18)", "child_period", True)]


def test_on_april_1_an_18_year_old_has_passed_the_march_31(book):
    found = findings_of(book, "move_in", person("self", 45), person("child", 18), moved_from="same_prefecture")
    assert "kosodate.child_allowance" not in found


def test_no_child_allowance_at_19(book):
    found = findings_of(book, "move_in", person("self", 45), person("child", 19), moved_from="same_prefecture")
    assert "kosodate.child_allowance" not in found


def test_civil_servant_parents_get_the_child_allowance_at_work_not_here(book):
    found = findings_of(book, "move_in", person("self", 38, civil_servant=True),
                        person("spouse", 36, civil_servant=True), CHILD_7, moved_from="other_prefecture")
    assert "kosodate.child_allowance" not in found


def test_a_single_civil_servant_parent_gets_the_child_allowance_at_work(book):
    found = findings_of(book, "move_in", person("self", 38, civil_servant=True), CHILD_7, moved_from="abroad")
    assert "kosodate.child_allowance" not in found


def test_one_civil_servant_parent_makes_the_child_allowance_optional(book):
    found = findings_of(book, "move_in", person("self", 38, civil_servant=True), person("spouse", 36), CHILD_7,
                        moved_from="other_prefecture")
    assert found["kosodate.child_allowance"].required is False


def test_a_newborn_brings_the_child_allowance(book):
    found = findings_of(book, "birth", SELF, person("child", 0, newborn=True))
    assert found["kosodate.child_allowance"].deadline == date(2026, 4, 16)


def test_the_child_allowance_ends_when_the_household_moves_out(book):
    found = findings_of(book, "move_out", SELF, CHILD_7, moving_to="other_prefecture")
    assert found["kosodate.child_allowance_end"].required


def test_the_child_allowance_ends_when_the_parent_who_received_it_dies(book):
    found = findings_of(book, "death", person("spouse", 40, deceased=True, child_allowance_recipient=True), SELF,
                        CHILD_7)
    assert found["kosodate.child_allowance_end"].required
    assert found["kosodate.child_allowance"].required  # the surviving parent applies anew


def test_nothing_ends_when_the_parent_who_died_did_not_receive_the_child_allowance(book):
    found = findings_of(book, "death", person("spouse", 40, deceased=True), SELF, CHILD_7)
    assert "kosodate.child_allowance_end" not in found
    assert "kosodate.child_allowance" not in found


def test_no_child_allowance_end_without_children(book):
    assert "kosodate.child_allowance_end" not in findings_of(book, "move_out", SELF, moving_to="abroad")


@pytest.mark.parametrize("life_event", ["move_in", "move_out"])
def test_a_child_of_17_gets_or_returns_the_child_medical_certificate(book, life_event):
    facts = {"moved_from": "same_prefecture"} if life_event == "move_in" else {"moving_to": "same_prefecture"}
    assert "kosodate.child_medical" in findings_of(book, life_event, SELF, person("child", 17), **facts)


def test_no_child_medical_certificate_at_18(book):
    found = findings_of(book, "move_in", SELF, person("child", 18), moved_from="same_prefecture")
    assert "kosodate.child_medical" not in found


def test_a_newborn_gets_the_child_medical_certificate(book):
    assert "kosodate.child_medical" in findings_of(book, "birth", SELF, person("child", 0, newborn=True))


def test_a_divorce_leaving_a_parent_alone_with_a_child_brings_the_single_parent_allowance(book):
    found = findings_of(book, "divorce", person("self", 35), person("child", 17))
    assert found["kosodate.single_parent"].required


def test_no_single_parent_allowance_for_a_child_of_18(book):
    assert "kosodate.single_parent" not in findings_of(book, "divorce", person("self", 45), person("child", 18))


def test_no_single_parent_allowance_while_a_spouse_lives_in_the_household(book):
    found = findings_of(book, "divorce", person("self", 35), person("spouse", 40), person("child", 5))
    assert "kosodate.single_parent" not in found


@pytest.mark.parametrize("life_event", ["move_in", "move_out"])
def test_a_child_at_a_nursery_needs_the_nursery_procedure(book, life_event):
    facts = {"moved_from": "same_prefecture"} if life_event == "move_in" else {"moving_to": "same_prefecture"}
    found = findings_of(book, life_event, SELF, person("child", 3, attends_nursery=True), **facts)
    assert "hoiku.transfer" in found


def test_no_nursery_procedure_for_a_child_not_at_a_nursery(book):
    found = findings_of(book, "move_in", SELF, person("child", 3), moved_from="same_prefecture")
    assert "hoiku.transfer" not in found


@pytest.mark.parametrize("age", [6, 14])
@pytest.mark.parametrize("life_event", ["move_in", "move_out", "move_within"])
def test_a_child_of_compulsory_school_age_changes_school(book, life_event, age):
    facts = {"move_in": {"moved_from": "same_prefecture"}, "move_out": {"moving_to": "abroad"}}.get(life_event, {})
    assert "gakumu.school_transfer" in findings_of(book, life_event, SELF, person("child", age), **facts)


@pytest.mark.parametrize("age", [5, 15])
def test_no_school_transfer_outside_6_to_14(book, age):
    assert "gakumu.school_transfer" not in findings_of(book, "move_within", SELF, person("child", age))


# --- tax and certificates ------------------------------------------------------------------


def test_the_death_of_a_resident_taxpayer_needs_an_heirs_representative(book):
    found = findings_of(book, "death", person("parent", 70, deceased=True, resident_taxpayer=True), SELF)
    assert found["kazei.heir_representative"].required


def test_no_heirs_representative_when_the_deceased_paid_no_resident_tax(book):
    assert "kazei.heir_representative" not in findings_of(book, "death", person("parent", 70, deceased=True), SELF)


def test_a_residence_certificate_is_offered_after_moving_in(book):
    found = findings_of(book, "move_in", SELF, moved_from="same_prefecture")
    assert found["cert.juminhyo"].required is False


@pytest.mark.parametrize("code", ["cert.juminhyo", "cert.koseki", "cert.seal"])
def test_certificates_for_inheritance_are_offered_after_a_death(book, code):
    found = findings_of(book, "death", person("parent", 70, deceased=True), SELF)
    assert found[code].required is False


def test_a_tax_certificate_is_only_ever_asked_for_never_implied(book):
    everything = dict(insurance="national", has_mynumber_card=True, disability_certificate=True, care_certified=True,
                      attends_nursery=True, pension_recipient=True, resident_taxpayer=True, name_changes=True)
    household = [person("self", 70, deceased=True, **everything), person("spouse", 40, **everything)]
    for life_event in book.events:
        for place in ("same_prefecture", "other_prefecture", "abroad"):
            facts = {"move_in": {"moved_from": place}, "move_out": {"moving_to": place}}.get(life_event, {})
            assert "cert.tax" not in findings_of(book, life_event, *household, **facts)


# --- the result as a whole ------------------------------------------------------------------


def test_the_resident_record_comes_first_and_the_rest_in_catalogue_order(book):
    found = list(findings_of(book, "move_in", person("self", 40, "national"), CHILD_7, moved_from="abroad"))
    assert found[0] == "juki.move_in"
    assert found.index("nhi.enroll") < found.index("kosodate.child_allowance") < found.index("gakumu.school_transfer")


def test_reasons_name_the_member_in_japanese_english_and_easy_japanese(book):
    reason = findings_of(book, "move_within", SELF, CHILD_7)["gakumu.school_transfer"].reasons[0]
    assert reason.ja.startswith("お子さん（7歳）は")
    assert reason.en.startswith("Your child (7):")
    assert reason.easy.startswith("こども（7さい） は")


def test_one_reason_per_member_a_rule_applies_to(book):
    found = findings_of(book, "move_in", SELF, person("child", 7), person("child", 10), moved_from="same_prefecture")
    assert len(found["gakumu.school_transfer"].reasons) == 2


def test_a_procedure_is_required_when_any_rule_that_applies_requires_it(book):
    found = findings_of(book, "move_in", SELF, person("child", 10), person("child", 18), moved_from="abroad",
                        on=date(2026, 6, 1))
    assert found["kosodate.child_allowance"].required
    assert len(found["kosodate.child_allowance"].reasons) == 2


def test_a_procedure_without_a_deadline_has_none(book):
    assert findings_of(book, "move_in", SELF, moved_from="abroad")["cert.juminhyo"].deadline is None


def test_deadlines_run_from_the_event_date(book):
    found = findings_of(book, "move_in", SELF, moved_from="abroad", on=date(2026, 12, 25))
    assert found["juki.move_in"].deadline == date(2027, 1, 8)


def test_every_life_event_of_the_catalogue_has_rules(book):
    assert book.life_events == set(book.events)

