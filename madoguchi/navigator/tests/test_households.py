"""Real households through one or several life events (issue 13): survivors after a death, a job lost
with a dependent spouse and child, grandparents raising a grandchild, school years at the March 31 /
April 1 / April 2 boundaries, the facility exception, welfare households, foreign residents and
combined events.

Each scenario says which procedures must appear (``?``: offered "if needed"), which must not, and
one reason that must be given (a fragment of its English text).
"""

from datetime import date

import pytest

from madoguchi.navigator.rules import Answers, evaluate

from .households import person

P = person
APRIL_1 = date(2026, 4, 1)
JUNE_1 = date(2026, 6, 1)


def S(name, events, household, *, must, must_not="", why, on=APRIL_1, **facts):
    return pytest.param(events, household, must, must_not, why, on, facts, id=name)


SCENARIOS = [
    # --- death of an earner: the survivors ---------------------------------------------------
    S("earner dies leaving a dependent wife and a child", ["death"],
      [P("spouse", 47, "employee", deceased=True, householder=True, resident_taxpayer=True),
       P("self", 45, "employee_dependent"), P("child", 10, "employee_dependent")],
      must="koseki.death nhi.enroll pension.enroll kosodate.single_parent kazei.heir_representative",
      must_not="juki.householder_change pension.survivor nhi.withdraw nhi.funeral_benefit",
      why=("nhi.enroll", "You (45): was a dependant on the insurance of the person who died")),
    S("earner dies leaving a wife and children of 19 and 17: a new householder", ["death"],
      [P("spouse", 50, "employee", deceased=True, householder=True), P("self", 48, "employee_dependent"),
       P("child", 19, "employee_dependent"), P("child", 17, "employee_dependent")],
      must="juki.householder_change nhi.enroll pension.enroll kosodate.single_parent",
      why=("juki.householder_change", "two or more people aged 15 or over remain")),
    S("the widow's category 3 pension becomes category 1", ["death"],
      [P("spouse", 55, "employee", deceased=True), P("self", 52, "employee_dependent")],
      must="pension.enroll nhi.enroll", must_not="kosodate.single_parent",
      why=("pension.enroll", "You (52): covered as the dependent spouse (category 3) of the person who died")),
    S("self-employed husband on NHI dies leaving a wife and a child", ["death"],
      [P("spouse", 42, "national", deceased=True, householder=True), P("self", 40, "national"),
       P("child", 8, "national")],
      must="nhi.withdraw nhi.funeral_benefit pension.survivor kosodate.single_parent",
      must_not="nhi.enroll pension.enroll juki.householder_change",
      why=("pension.survivor", "survivors' basic pension can be claimed at the ward")),
    S("self-employed man dies leaving a widow without children", ["death"],
      [P("spouse", 58, "national", deceased=True), P("self", 57, "national")],
      must="pension.survivor? nhi.funeral_benefit", must_not="kosodate.single_parent",
      why=("pension.survivor", "widow's pension or the death lump sum")),
    S("a pensioner of 82 dies leaving a widow of 79", ["death"],
      [P("spouse", 82, "late_stage", deceased=True, householder=True, pension_recipient=True),
       P("self", 79, "late_stage")],
      must="kouki.withdraw kouki.funeral_benefit pension.death kaigo.withdraw",
      must_not="juki.householder_change nhi.enroll pension.survivor",
      why=("kouki.funeral_benefit", "70,000 yen")),
    S("a householder dies leaving a wife and a son of 14: no householder change", ["death"],
      [P("spouse", 45, deceased=True, householder=True), P("self", 43), P("child", 14)],
      must="koseki.death", must_not="juki.householder_change",
      why=("koseki.death", "within 7 days")),
    S("a member who was not the householder dies", ["death"],
      [P("parent", 88, "late_stage", deceased=True), P("self", 60, householder=True), P("spouse", 58)],
      must="kouki.withdraw", must_not="juki.householder_change",
      why=("kouki.withdraw", "Your parent (88)")),
    S("an earner dies while the other parent keeps a company job", ["death"],
      [P("spouse", 40, "employee", deceased=True), P("self", 39, "employee"), P("child", 6, "employee_dependent")],
      must="nhi.enroll? kosodate.single_parent", must_not="pension.enroll",
      why=("nhi.enroll", "Your child (6): if a dependant of the person who died")),
    S("the parent who received the child allowance dies", ["death"],
      [P("spouse", 38, deceased=True, child_allowance_recipient=True), P("self", 37), P("child", 3)],
      must="kosodate.child_allowance_end kosodate.child_allowance kosodate.single_parent",
      why=("kosodate.child_allowance", "the surviving parent applies anew")),
    S("a member of 70 in late-stage care through a disability dies", ["death"],
      [P("parent", 70, "late_stage", deceased=True, disability_certificate=True), P("self", 45)],
      must="kouki.withdraw kouki.funeral_benefit shogai.certificate kaigo.withdraw",
      must_not="nhi.withdraw nhi.funeral_benefit",
      why=("kouki.withdraw", "Your parent (70): was in late-stage elderly medical care")),
    S("the death certificate of any register is issued here", ["death"],
      [P("parent", 90, "late_stage", deceased=True), P("self", 60)],
      must="cert.koseki?", why=("cert.koseki", "Since 1 March 2024 any municipality issues them")),

    # --- a job lost or found -----------------------------------------------------------------
    S("job loss with a dependent spouse and child", ["job_leave"],
      [P("self", 45, "employee", leaves_job=True), P("spouse", 43, "employee_dependent"),
       P("child", 10, "employee_dependent")],
      must="nhi.enroll pension.enroll", must_not="nhi.withdraw",
      why=("pension.enroll", "Your spouse (43): covered as the dependent spouse (category 3)")),
    S("retiring at 62 with a dependent spouse of 58", ["job_leave"],
      [P("self", 62, "employee", leaves_job=True), P("spouse", 58, "employee_dependent")],
      must="nhi.enroll pension.enroll", why=("pension.enroll", "Your spouse (58)")),
    S("job loss while the spouse keeps a company job, child at a nursery", ["job_leave"],
      [P("self", 40, "employee", leaves_job=True), P("spouse", 40, "employee"),
       P("child", 5, "employee_dependent", attends_nursery=True)],
      must="nhi.enroll pension.enroll hoiku.transfer",
      why=("hoiku.transfer", "a parent leaving the job changes the reason for childcare")),
    S("a civil servant leaves the job", ["job_leave"],
      [P("self", 40, "employee", leaves_job=True, civil_servant=True), P("child", 8, "employee_dependent")],
      must="nhi.enroll kosodate.child_allowance?",
      why=("kosodate.child_allowance", "received the child allowance at work")),
    S("a part-timer on NHI leaves the job: nothing changes", ["job_leave"],
      [P("self", 30, "national", leaves_job=True)], must="", must_not="nhi.enroll pension.enroll nhi.withdraw",
      why=None),
    S("a new job with company insurance", ["job_start"],
      [P("self", 25, "national", starts_job=True)], must="nhi.withdraw",
      why=("nhi.withdraw", "You (25): the new job brings company health insurance")),
    S("a new job for a parent on NHI with a toddler at home", ["job_start"],
      [P("self", 35, "national", starts_job=True), P("spouse", 33, "national"), P("child", 2, "national")],
      must="nhi.withdraw hoiku.apply?",
      why=("hoiku.apply", "a parent's new job means childcare is needed")),
    S("a parent receiving the child allowance starts a job (civil service or not)", ["job_start"],
      [P("self", 35, "national", starts_job=True, child_allowance_recipient=True), P("child", 4, "national")],
      must="kosodate.child_allowance_end? nhi.withdraw",
      why=("kosodate.child_allowance_end", "if the new job is in the civil service")),

    # --- grandparents raising a grandchild -----------------------------------------------------
    S("grandparents move in with the grandchild they raise", ["move_in"],
      [P("self", 66, "national"), P("spouse", 64, "national"), P("grandchild", 9, "national")],
      must="kosodate.child_allowance kosodate.child_medical gakumu.school_transfer kaigo.enroll nhi.enroll",
      must_not="kosodate.single_parent",
      why=("kosodate.child_allowance", "Your grandchild (9)"), moved_from="other_prefecture"),
    S("grandparents with a grandchild of 16 move within the ward", ["move_within"],
      [P("self", 70), P("grandchild", 16)], must="juki.move_within", must_not="gakumu.school_transfer",
      why=("juki.move_within", "within 14 days")),

    # --- school years by birth date: March 31, April 1, April 2 -------------------------------
    S("born 2011-04-01, moving on 2026-03-31: still at junior high", ["move_within"],
      [P("self", 45), P("child", 14, birth_date=date(2011, 4, 1))], must="gakumu.school_transfer",
      why=("gakumu.school_transfer", "Your child (14)"), on=date(2026, 3, 31)),
    S("born 2011-04-01, moving on 2026-04-01: junior high is over", ["move_within"],
      [P("self", 45), P("child", 15, birth_date=date(2011, 4, 1))], must="juki.move_within",
      must_not="gakumu.school_transfer", why=("juki.move_within", "within 14 days")),
    S("born 2011-04-02, moving on 2026-04-01: in the last year of junior high", ["move_within"],
      [P("self", 45), P("child", None, birth_date=date(2011, 4, 2))], must="gakumu.school_transfer",
      why=("gakumu.school_transfer", "Your child (14)")),
    S("born 2020-04-01: starts school on 2026-04-01", ["move_in"],
      [P("self", 35), P("child", None, birth_date=date(2020, 4, 1))], must="gakumu.school_transfer",
      must_not="hoiku.apply", why=("gakumu.school_transfer", "Your child (6)"), moved_from="same_prefecture"),
    S("born 2020-04-02: a year of nursery left on 2026-04-02", ["move_in"],
      [P("self", 35), P("child", None, birth_date=date(2020, 4, 2))], must="hoiku.apply?",
      must_not="gakumu.school_transfer", why=("hoiku.apply", "Your child (6): not yet at elementary school"),
      on=date(2026, 4, 2), moved_from="same_prefecture"),
    S("born 2008-04-01: still a child for the allowance on 2026-03-31", ["move_in"],
      [P("self", 45), P("child", None, birth_date=date(2008, 4, 1))],
      must="kosodate.child_allowance kosodate.child_medical",
      why=("kosodate.child_allowance", "Your child (17)"), on=date(2026, 3, 31), moved_from="same_prefecture"),
    S("born 2008-04-01: no longer on 2026-04-01", ["move_in"],
      [P("self", 45), P("child", None, birth_date=date(2008, 4, 1))], must="juki.move_in",
      must_not="kosodate.child_allowance kosodate.child_medical", why=("juki.move_in", "within 14 days"),
      moved_from="same_prefecture"),
    S("born 2008-04-02: still a child on 2026-04-01", ["move_in"],
      [P("self", 45), P("child", None, birth_date=date(2008, 4, 2))],
      must="kosodate.child_allowance kosodate.child_medical", why=("kosodate.child_medical", "Your child (17)"),
      moved_from="same_prefecture"),
    S("a 15-year-old in June, in the last year of junior high by the birth date", ["move_in"],
      [P("self", 45), P("child", 15, birth_date=date(2011, 4, 15))], must="gakumu.school_transfer",
      why=("gakumu.school_transfer", "Your child (15)"), on=JUNE_1, moved_from="other_prefecture"),
    S("a 15-year-old in June with no birth date: assumed at junior high", ["move_in"],
      [P("self", 45), P("child", 15)], must="gakumu.school_transfer?",
      why=("gakumu.school_transfer", "Your child (15)"), on=JUNE_1, moved_from="other_prefecture"),
    S("born 29 February 2020: at school from 2026-04-01", ["move_within"],
      [P("self", 35), P("child", None, birth_date=date(2020, 2, 29))], must="gakumu.school_transfer",
      why=("gakumu.school_transfer", "Your child (6)")),

    # --- the facility exception (住所地特例) ------------------------------------------------------
    S("80 moving straight into a nursing home from another prefecture", ["move_in"],
      [P("self", 80, "late_stage", moving_into_facility=True)], must="juki.move_in",
      must_not="kaigo.enroll kouki.enroll", why=("juki.move_in", "facility exception"),
      moved_from="other_prefecture"),
    S("80 moving in from another prefecture to live with family", ["move_in"],
      [P("parent", 80, "late_stage"), P("self", 50)], must="kaigo.enroll kouki.enroll",
      why=("kouki.enroll", "co-payment certificate"), moved_from="other_prefecture"),
    S("85 moving into a care home in another prefecture", ["move_out"],
      [P("self", 85, "late_stage", moving_into_facility=True)], must="kaigo.facility_exception",
      must_not="kaigo.withdraw kouki.withdraw", why=("kaigo.facility_exception", "stays with the ward"),
      moving_to="other_prefecture"),
    S("70 on NHI moving into a care home elsewhere in Tokyo", ["move_out"],
      [P("self", 70, "national", moving_into_facility=True)], must="kaigo.facility_exception",
      must_not="nhi.withdraw kaigo.withdraw", why=("kaigo.facility_exception", "National Health Insurance"),
      moving_to="same_prefecture"),
    S("moving abroad into a facility: no exception abroad", ["move_out"],
      [P("self", 72, "national", moving_into_facility=True)], must="kaigo.withdraw nhi.withdraw",
      must_not="kaigo.facility_exception", why=("kaigo.withdraw", "You (72)"), moving_to="abroad"),
    S("68 in late-stage care through a disability moves in from another prefecture", ["move_in"],
      [P("self", 68, "late_stage", disability_certificate=True)], must="kouki.enroll shogai.certificate",
      must_not="nhi.enroll", why=("kouki.enroll", "through a disability certification"),
      moved_from="other_prefecture"),
    S("68 in late-stage care through a disability leaves Tokyo", ["move_out"],
      [P("self", 68, "late_stage")], must="kouki.withdraw kaigo.withdraw", must_not="nhi.withdraw",
      why=("kouki.withdraw", "leaving Tokyo"), moving_to="other_prefecture"),

    # --- welfare households -------------------------------------------------------------------
    S("a family on public assistance moves in", ["move_in"],
      [P("self", 40, "welfare"), P("child", 8, "welfare")],
      must="kosodate.child_allowance gakumu.school_transfer", must_not="nhi.enroll kosodate.child_medical",
      why=("kosodate.child_allowance", "Your child (8)"), moved_from="other_prefecture"),
    S("a baby born into a household on public assistance", ["birth"],
      [P("self", 30, "welfare"), P("child", 0, "none", newborn=True)],
      must="koseki.birth kosodate.child_allowance", must_not="nhi.enroll kosodate.child_medical",
      why=("kosodate.child_allowance", "Your child (0): newly born")),
    S("78 on public assistance moves in from another prefecture", ["move_in"],
      [P("self", 78, "welfare")], must="kaigo.enroll", must_not="kouki.enroll nhi.enroll",
      why=("kaigo.enroll", "You (78)"), moved_from="other_prefecture"),

    # --- foreign residents and moves abroad ----------------------------------------------------
    S("a foreign family moves in from abroad", ["move_in"],
      [P("self", 35, "none", nationality="foreign"), P("child", 7, "none", nationality="foreign")],
      must="juki.move_in nhi.enroll pension.enroll gakumu.school_transfer kosodate.child_allowance",
      must_not="mynumber.overseas mynumber.card_update",
      why=("juki.move_in", "You (35): a foreign national, so bring the residence card"), moved_from="abroad"),
    S("a foreign worker moves in from abroad to start a company job", ["move_in", "job_start"],
      [P("self", 30, "none", nationality="foreign", starts_job=True)], must="juki.move_in",
      must_not="nhi.enroll pension.enroll mynumber.overseas",
      why=("juki.move_in", "residence card"), moved_from="abroad"),
    S("a Japanese national comes back from abroad with a card", ["move_in"],
      [P("self", 40, "none", nationality="japanese", has_mynumber_card=True)],
      must="juki.move_in mynumber.card_update nhi.enroll pension.enroll",
      why=("juki.move_in", "You (40): back from abroad, so bring the passport"), moved_from="abroad"),
    S("a Japanese national with a card moves abroad", ["move_out"],
      [P("self", 40, "national", nationality="japanese", has_mynumber_card=True, resident_taxpayer=True)],
      must="juki.move_out mynumber.overseas nhi.withdraw kazei.tax_agent?",
      why=("mynumber.overseas", "keeps the card valid abroad"), moving_to="abroad"),
    S("a foreign resident with a card moves abroad", ["move_out"],
      [P("self", 40, "national", nationality="foreign", has_mynumber_card=True)],
      must="juki.move_out nhi.withdraw", must_not="mynumber.overseas",
      why=("juki.move_out", "the My Number card ends on the day of moving abroad"), moving_to="abroad"),
    S("a Japanese national without a card moves abroad", ["move_out"],
      [P("self", 40, "national", nationality="japanese")], must="juki.move_out",
      must_not="mynumber.overseas", why=("juki.move_out", "moving out of the ward"), moving_to="abroad"),

    # --- who stays, who moves -------------------------------------------------------------------
    S("the householder moves out, the wife and a son of 20 stay", ["move_out"],
      [P("self", 50, householder=True), P("spouse", 48, "national", stays=True), P("child", 20, stays=True)],
      must="juki.move_out juki.householder_change", must_not="nhi.withdraw",
      why=("juki.householder_change", "name the new householder of those who stay"),
      moving_to="other_prefecture"),

    # --- several events at once -----------------------------------------------------------------
    S("marriage and moving in", ["marriage", "move_in"],
      [P("self", 30, "national", name_changes=True, has_mynumber_card=True), P("spouse", 31, "employee")],
      must="koseki.marriage juki.move_in mynumber.card_update nhi.enroll seal.register?",
      why=("mynumber.card_update", "You (30): the name changes"), moved_from="other_prefecture"),
    S("divorce and moving within the ward", ["divorce", "move_within"],
      [P("self", 35, "employee_dependent", name_changes=True, has_mynumber_card=True),
       P("child", 9, "employee_dependent")],
      must="koseki.divorce juki.move_within mynumber.card_update nhi.enroll pension.enroll kosodate.single_parent "
           "gakumu.school_transfer kosodate.child_allowance?",
      why=("nhi.enroll", "You (35): the divorce ends the cover as a dependant")),
    S("leaving a job and moving in", ["job_leave", "move_in"],
      [P("self", 40, "employee", leaves_job=True), P("spouse", 38, "employee_dependent")],
      must="juki.move_in nhi.enroll pension.enroll",
      why=("nhi.enroll", "Your spouse (38): was a dependant"), moved_from="same_prefecture"),
    S("a single parent on the allowance marries", ["marriage"],
      [P("self", 34, "national", single_parent_allowance=True), P("spouse", 36), P("child", 6)],
      must="koseki.marriage kosodate.single_parent", why=("kosodate.single_parent", "which end on marriage")),
]


def expected(listing: str) -> dict[str, bool]:
    return {code.rstrip("?"): not code.endswith("?") for code in listing.split()}


def test_there_are_at_least_40_households():
    assert len(SCENARIOS) >= 40


@pytest.mark.parametrize(("events", "household", "must", "must_not", "why", "on", "facts"), SCENARIOS)
def test_household(book, events, household, must, must_not, why, on, facts):
    found = {f.code: f for f in evaluate(Answers(tuple(events), on, tuple(household), **facts), book)}
    for code, required in expected(must).items():
        assert code in found, f"{code} is missing: {sorted(found)}"
        assert found[code].required is required, f"{code}: required {found[code].required}, expected {required}"
    for code in must_not.split():
        assert code not in found, f"{code} should not appear: {[r.en for r in found[code].reasons]}"
    if why is not None:
        code, fragment = why
        reasons = [reason.en for reason in found[code].reasons]
        assert any(fragment in reason for reason in reasons), reasons


def test_several_events_list_each_procedure_once_with_every_reason(book):
    household = (P("self", 30, "national", name_changes=True, has_mynumber_card=True), P("spouse", 31))
    found = evaluate(Answers(("marriage", "move_in"), APRIL_1, household, moved_from="other_prefecture"), book)
    codes = [f.code for f in found]
    assert len(codes) == len(set(codes))
    card = next(f for f in found if f.code == "mynumber.card_update")
    assert [r.en for r in card.reasons] == ["You (30): holds a My Number card, whose address must be updated.",
                                            "You (30): the name changes, so the name on the My Number card must "
                                            "be updated."]


def test_several_events_give_what_each_gives_alone(book):
    household = (P("self", 30, "national", has_mynumber_card=True), P("spouse", 31), P("child", 4))
    alone = set()
    for event, facts in (("marriage", {}), ("move_in", {"moved_from": "abroad"})):
        alone |= {f.code for f in evaluate(Answers(event, APRIL_1, household, **facts), book)}
    together = {f.code for f in evaluate(Answers(("marriage", "move_in"), APRIL_1, household, moved_from="abroad"),
                                         book)}
    assert together == alone


def test_an_assumed_school_year_is_offered_if_needed_and_says_so(book):
    found = {f.code: f for f in evaluate(Answers("move_within", JUNE_1, (P("self", 40), P("child", 6))), book)}
    school = found["gakumu.school_transfer"]
    assert school.required is False
    assert [(a.fact, a.value) for a in school.reasons[0].assumed] == [("school_age", True)]


def test_with_the_birth_date_nothing_is_assumed(book):
    child = P("child", None, birth_date=date(2019, 9, 1))
    found = {f.code: f for f in evaluate(Answers("move_within", JUNE_1, (P("self", 40), child)), book)}
    assert found["gakumu.school_transfer"].required is True
    assert found["gakumu.school_transfer"].reasons[0].assumed == ()
