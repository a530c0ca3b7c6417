"""Whole households through whole life events: the complete list of procedures, edge ages included.

Each row: the event, its facts, the household, and every procedure expected; ``?`` marks a
procedure offered "if needed" (required False). Ages at the edges of the rules: 14/15 (school,
seal), 18/19 (child allowance), 20/59/60 (pension), 64/65 (care), 74/75 (late-stage care).
"""

import pytest

from .households import findings_of, person

P = person
SCENARIOS = [
    # --- move in ------------------------------------------------------------------------
    ("family of three from another prefecture", "move_in", {"moved_from": "other_prefecture"},
     [P("self", 38, has_mynumber_card=True), P("spouse", 36), P("child", 7)],
     "juki.move_in mynumber.card_update seal.register? kosodate.child_allowance kosodate.child_medical "
     "gakumu.school_transfer cert.juminhyo?"),
    ("20 from abroad without insurance", "move_in", {"moved_from": "abroad"}, [P("self", 20, "none")],
     "juki.move_in seal.register? nhi.enroll pension.enroll cert.juminhyo?"),
    ("19 from abroad: no pension yet", "move_in", {"moved_from": "abroad"}, [P("self", 19, "none")],
     "juki.move_in seal.register? nhi.enroll cert.juminhyo?"),
    ("59 from abroad: still the pension", "move_in", {"moved_from": "abroad"}, [P("self", 59, "none")],
     "juki.move_in seal.register? nhi.enroll pension.enroll cert.juminhyo?"),
    ("60 from abroad: no more pension", "move_in", {"moved_from": "abroad"}, [P("self", 60, "none")],
     "juki.move_in seal.register? nhi.enroll cert.juminhyo?"),
    ("64 on NHI from Tokyo: no care insurance yet", "move_in", {"moved_from": "same_prefecture"},
     [P("self", 64, "national")], "juki.move_in seal.register? nhi.enroll cert.juminhyo?"),
    ("65 on NHI from Tokyo: care insurance", "move_in", {"moved_from": "same_prefecture"},
     [P("self", 65, "national")], "juki.move_in seal.register? nhi.enroll kaigo.enroll cert.juminhyo?"),
    ("74 on NHI from another prefecture", "move_in", {"moved_from": "other_prefecture"},
     [P("self", 74, "national")], "juki.move_in seal.register? nhi.enroll kaigo.enroll cert.juminhyo?"),
    ("75 from another prefecture: late-stage care", "move_in", {"moved_from": "other_prefecture"},
     [P("self", 75, "late_stage")], "juki.move_in seal.register? kouki.enroll kaigo.enroll cert.juminhyo?"),
    ("75 from elsewhere in Tokyo: no kouki procedure", "move_in", {"moved_from": "same_prefecture"},
     [P("self", 75, "late_stage")], "juki.move_in seal.register? kaigo.enroll cert.juminhyo?"),
    ("parent of 80 from abroad with a working child", "move_in", {"moved_from": "abroad"},
     [P("self", 50), P("parent", 80, "none")],
     "juki.move_in seal.register? kouki.enroll kaigo.enroll cert.juminhyo?"),
    ("children of 14 and 15", "move_in", {"moved_from": "same_prefecture"},
     [P("self", 40), P("child", 14), P("child", 15)],
     "juki.move_in seal.register? kosodate.child_allowance kosodate.child_medical gakumu.school_transfer "
     "cert.juminhyo?"),
    ("child of 18 on April 1: the March 31 has passed", "move_in", {"moved_from": "same_prefecture"},
     [P("self", 45), P("child", 18)], "juki.move_in seal.register? cert.juminhyo?"),
    ("child of 19: no child procedure", "move_in", {"moved_from": "same_prefecture"},
     [P("self", 45), P("child", 19)], "juki.move_in seal.register? cert.juminhyo?"),
    ("civil-servant parents with a nursery child", "move_in", {"moved_from": "other_prefecture"},
     [P("self", 35, civil_servant=True), P("spouse", 33, civil_servant=True), P("child", 3, attends_nursery=True)],
     "juki.move_in seal.register? kosodate.child_medical hoiku.transfer cert.juminhyo?"),
    ("care-certified at 40", "move_in", {"moved_from": "same_prefecture"}, [P("self", 40, care_certified=True)],
     "juki.move_in seal.register? kaigo.enroll cert.juminhyo?"),
    ("care-certified at 39: not yet insured", "move_in", {"moved_from": "other_prefecture"},
     [P("self", 39, care_certified=True)], "juki.move_in seal.register? cert.juminhyo?"),
    # --- move within -------------------------------------------------------------------
    ("card, disability certificate and a child of 6", "move_within", {},
     [P("self", 40, has_mynumber_card=True, disability_certificate=True), P("child", 6)],
     "juki.move_within mynumber.card_update shogai.certificate gakumu.school_transfer"),
    ("child of 5: nothing but the address", "move_within", {}, [P("self", 40), P("child", 5)],
     "juki.move_within"),
    # --- move out ----------------------------------------------------------------------
    ("76 leaving Tokyo", "move_out", {"moving_to": "other_prefecture"}, [P("self", 76, "late_stage")],
     "juki.move_out kouki.withdraw kaigo.withdraw"),
    ("76 moving elsewhere in Tokyo", "move_out", {"moving_to": "same_prefecture"}, [P("self", 76, "late_stage")],
     "juki.move_out kaigo.withdraw"),
    ("NHI parent of 64 with a child of 10, abroad", "move_out", {"moving_to": "abroad"},
     [P("self", 64, "national"), P("child", 10, "national")],
     "juki.move_out nhi.withdraw kosodate.child_allowance_end kosodate.child_medical gakumu.school_transfer"),
    ("65 on employee insurance", "move_out", {"moving_to": "same_prefecture"}, [P("self", 65)],
     "juki.move_out kaigo.withdraw"),
    # --- birth -------------------------------------------------------------------------
    ("into an NHI household", "birth", {},
     [P("self", 30, "national"), P("spouse", 29, "national"), P("child", 0, "none", newborn=True)],
     "koseki.birth nhi.enroll nhi.birth_lump_sum? kosodate.child_allowance kosodate.child_medical hoiku.apply?"),
    ("into an employee-insurance household", "birth", {},
     [P("self", 30), P("spouse", 29), P("child", 0, newborn=True)],
     "koseki.birth kosodate.child_allowance kosodate.child_medical hoiku.apply?"),
    ("one civil-servant parent", "birth", {},
     [P("self", 30, civil_servant=True), P("spouse", 29), P("child", 0, newborn=True)],
     "koseki.birth kosodate.child_allowance? kosodate.child_medical hoiku.apply?"),
    # --- death -------------------------------------------------------------------------
    ("pensioner of 75 who paid resident tax", "death", {},
     [P("parent", 75, "late_stage", deceased=True, pension_recipient=True, resident_taxpayer=True), P("self", 50)],
     "koseki.death pension.death kouki.withdraw kouki.funeral_benefit kaigo.withdraw kazei.heir_representative "
     "cert.juminhyo? cert.koseki? cert.seal?"),
    ("74 on NHI", "death", {}, [P("parent", 74, "national", deceased=True), P("self", 48)],
     "koseki.death nhi.withdraw nhi.funeral_benefit kaigo.withdraw cert.juminhyo? cert.koseki? cert.seal?"),
    ("64 on NHI with a disability certificate", "death", {},
     [P("parent", 64, "national", deceased=True, disability_certificate=True)],
     "koseki.death nhi.withdraw nhi.funeral_benefit shogai.certificate cert.juminhyo? cert.koseki? cert.seal?"),
    ("a parent of a young child", "death", {}, [P("spouse", 40, deceased=True), P("self", 38), P("child", 7)],
     "koseki.death kosodate.single_parent cert.juminhyo? cert.koseki? cert.seal?"),
    # --- marriage and divorce ----------------------------------------------------------
    ("NHI member taking the spouse's name", "marriage", {},
     [P("self", 30, "national", has_mynumber_card=True, name_changes=True), P("spouse", 32)],
     "koseki.marriage mynumber.card_update seal.register? nhi.withdraw?"),
    ("both on employee insurance, no name change", "marriage", {}, [P("self", 30), P("spouse", 28)],
     "koseki.marriage"),
    ("leaving the spouse's insurance with a child of 8", "divorce", {},
     [P("self", 35, "none", has_mynumber_card=True, name_changes=True), P("child", 8)],
     "koseki.divorce mynumber.card_update seal.register? nhi.enroll kosodate.child_allowance? "
     "kosodate.single_parent"),
    ("with a child of 18", "divorce", {}, [P("self", 40), P("child", 18)], "koseki.divorce"),
    ("civil servant with a child of 10", "divorce", {}, [P("self", 40, civil_servant=True), P("child", 10)],
     "koseki.divorce kosodate.single_parent"),
]


def expected(listing: str) -> dict[str, bool]:
    return {code.rstrip("?"): not code.endswith("?") for code in listing.split()}


def test_the_table_has_at_least_30_scenarios():
    assert len(SCENARIOS) >= 30


@pytest.mark.parametrize(("life_event", "facts", "household", "listing"),
                         [row[1:] for row in SCENARIOS], ids=[f"{row[1]}: {row[0]}" for row in SCENARIOS])
def test_scenario(book, life_event, facts, household, listing):
    found = findings_of(book, life_event, *household, **facts)
    assert {code: f.required for code, f in found.items()} == expected(listing)
