"""The simulator's inputs: the shipped peak day is the day the issue describes; a broken profile is
refused with the file, line and field; a what-if cannot leave the visitors without a desk."""

import pytest

from madoguchi.insights.simulation import DEFAULT_PROFILE, ProfileInvalid, load_profile, parse_profile
from madoguchi.insights.simulation.inputs import staffing_of, what_if


def test_the_peak_day_has_1500_to_3000_visits_and_30_to_40_percent_with_several_procedures(office):
    peak = load_profile(DEFAULT_PROFILE, office)

    weights = sum(k.weight for k in peak.visit_mix)
    multi = sum(k.weight for k in peak.visit_mix if len(k.procedures) > 1) / weights
    assert 1500 <= sum(peak.arrivals_per_hour.values()) <= 3000
    assert 0.30 <= multi <= 0.40
    assert peak.site == "honcho"


def test_the_office_takes_counters_and_forms_from_the_catalogue(office):
    assert office.counters["koseki-move"].floor == 1
    assert office.procedures["juki.move_in"].counters == ("koseki-move",)
    assert office.procedures["cert.tax"].counters == ("koseki-cert", "kazei")  # branch offices left out
    assert office.procedures["juki.move_in"].prefillable  # catalog/forms has its form
    assert not office.procedures["cert.koseki"].prefillable
    assert "juki.move_in" in office.procedures["nhi.enroll"].prerequisites


PROFILE = """\
name: broken
site: honcho
opens: "09:00"
closes: "11:00"
arrivals_per_hour: {9: 10}
visit_mix:
  - {weight: 1, procedures: [cert.juminhyo]}
  - {weight: 1, procedures: [no.such_procedure]}
handling: {cv: 0.5}
prefill: {share: 0.2, saving: 0.3}
priority: {share: 0, advance_minutes: 0}
walk: {base_minutes: 1, per_floor_minutes: 1}
"""


def test_a_profile_naming_an_unknown_procedure_is_refused_with_its_line(office):
    with pytest.raises(ProfileInvalid) as caught:
        parse_profile(PROFILE, "broken.yaml", office)

    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.field) == ("broken.yaml", 8, "visit_mix[1].procedures[0]")
    assert "no.such_procedure" in problem.message


def test_a_profile_with_a_wrong_field_is_refused_with_its_line(office):
    with pytest.raises(ProfileInvalid) as caught:
        parse_profile(PROFILE.replace("cv: 0.5", "cv: lots"), "broken.yaml", office)

    assert any(p.line == 9 and p.field.startswith("handling") for p in caught.value.problems)


def test_a_counter_the_visitors_need_must_keep_a_desk_at_closing(office):
    text = PROFILE.replace("  - {weight: 1, procedures: [no.such_procedure]}\n", "") + \
        "staffing:\n  koseki-cert: {all: 2, 10: 0}\n"

    with pytest.raises(ProfileInvalid, match="koseki-cert"):
        parse_profile(text, "closing.yaml", office)


def test_a_what_if_changes_the_staffing_and_the_prefill_share(office, small_day):
    changed = what_if(small_day, office, desks={"kokuho": 6}, prefill_share=0.8)

    staffing = staffing_of(changed, office)
    assert [staffing.desks("kokuho", h * 60) for h in (9, 10)] == [6, 6]
    assert changed.prefill.share == 0.8
    assert small_day.prefill.share == 0.3  # the profile itself is untouched


@pytest.mark.parametrize(("desks", "share", "message"), [
    ({"no-such-counter": 2}, None, "no counter"),
    ({"kokuho": 0}, None, "staff at least one desk"),
    ({}, 1.5, "between 0 and 1"),
])
def test_a_what_if_is_refused_when_it_makes_no_sense(office, small_day, desks, share, message):
    with pytest.raises(ProfileInvalid, match=message):
        what_if(small_day, office, desks=desks, prefill_share=share)
