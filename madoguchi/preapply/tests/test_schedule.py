"""Appointment schedules: the YAML, opening days (holidays, closed days, Sunday openings), slots and priority."""

from datetime import date, datetime
from pathlib import Path

import pytest

from madoguchi.catalog.schema import parse_catalog
from madoguchi.catalog.yamlsource import read_yaml
from madoguchi.preapply import slots
from madoguchi.preapply.schedule import ScheduleInvalid, load_schedules, parse_schedules

CATALOG = Path(__file__).resolve().parents[3] / "catalog"


def catalogue_counters():
    sources = [read_yaml(p.read_text(encoding="utf-8"), p.name) for p in sorted(CATALOG.glob("*.yaml"))]
    catalog = parse_catalog(sources)
    handled: dict[str, set[str]] = {}
    for procedure in catalog.procedures:
        for counter in procedure.counters:
            handled.setdefault(counter, set()).add(procedure.code)
    counters = {c.code: (c.site, frozenset(handled.get(c.code, ()))) for c in catalog.counters}
    return {s.code for s in catalog.sites}, counters


SITES, COUNTERS = catalogue_counters()


@pytest.fixture(scope="module")
def groups():
    return {g.code: g for g in load_schedules(CATALOG / "appointments", sites=SITES, counters=COUNTERS)}


def parse(text: str):
    return parse_schedules([read_yaml(text, "appointments/test.yaml")], sites=SITES, counters=COUNTERS)


def test_the_ward_schedule_loads(groups):
    moving = groups["moving"]
    assert (moving.site, moving.counter, moving.capacity, moving.slot_minutes) == ("honcho", "koseki-move", 2, 30)


def test_a_weekday_has_slots_in_the_opening_hours(groups):
    times = slots.slot_times(groups["moving"], date(2026, 6, 2))  # a Tuesday
    assert times[0] == (datetime(2026, 6, 2, 8, 30), datetime(2026, 6, 2, 9, 0))
    assert (datetime(2026, 6, 2, 11, 30), datetime(2026, 6, 2, 12, 0)) in times
    assert all(not (12 <= start.hour < 13) for start, _end in times)
    assert times[-1] == (datetime(2026, 6, 2, 16, 30), datetime(2026, 6, 2, 17, 0))


@pytest.mark.parametrize("holiday", [date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6), date(2026, 9, 21),
                                     date(2026, 11, 3), date(2027, 1, 11)])
def test_public_holidays_offer_no_slots(groups, holiday):
    for group in groups.values():
        assert slots.slot_times(group, holiday) == []


@pytest.mark.parametrize("closed", [date(2026, 12, 29), date(2026, 12, 30), date(2027, 1, 3)])
def test_the_year_end_closing_wraps_the_new_year(groups, closed):
    assert slots.slot_times(groups["moving"], closed) == []
    assert slots.slot_times(groups["moving"], date(2027, 1, 4)) != []  # Monday 4 January opens


def test_saturdays_and_ordinary_sundays_are_closed(groups):
    assert slots.slot_times(groups["moving"], date(2026, 6, 6)) == []
    assert slots.slot_times(groups["moving"], date(2026, 6, 7)) == []


def test_a_sunday_opening_opens_only_the_groups_that_take_part(groups):
    sunday = date(2026, 3, 29)
    assert slots.slot_times(groups["moving"], sunday)[0][0] == datetime(2026, 3, 29, 9, 0)
    assert slots.slot_times(groups["health-insurance"], sunday) != []
    assert slots.slot_times(groups["family-register"], sunday) == []


def test_the_booking_window_leaves_out_the_past_the_notice_and_the_far_future(groups):
    moving = groups["moving"]
    now = datetime(2026, 6, 2, 10, 10)
    offered = slots.bookable_slot_times(moving, now)
    assert offered[0][0] == datetime(2026, 6, 2, 11, 30)  # 60 minutes' notice
    assert offered[-1][0].date() <= date(2026, 7, 2)
    assert slots.is_bookable(moving, datetime(2026, 6, 2, 11, 30), now)
    assert not slots.is_bookable(moving, datetime(2026, 6, 2, 11, 0), now)
    assert not slots.is_bookable(moving, datetime(2026, 6, 2, 11, 40), now)  # not a slot start
    assert not slots.is_bookable(moving, datetime(2026, 8, 3, 10, 0), now)


@pytest.mark.parametrize(("arrived", "advance"), [
    (datetime(2026, 6, 2, 10, 0), 30), (datetime(2026, 6, 2, 10, 10), 30), (datetime(2026, 6, 2, 9, 50), 20),
    (datetime(2026, 6, 2, 9, 30), 0), (datetime(2026, 6, 2, 9, 0), 0),
])
def test_priority_is_counted_from_the_slot_time_never_before_the_arrival(arrived, advance):
    assert slots.priority_advance_minutes(slot_start=datetime(2026, 6, 2, 10, 0), arrived_at=arrived,
                                          advance_minutes=30) == advance


def test_problems_are_reported_with_file_line_and_field():
    text = """site: honcho
sunday_openings:
  - {date: 2026-03-30, hours: ["09:00-17:00"]}
groups:
  - code: moving
    name_ja: 引っ越し
    name_en: Moving
    counter: kokuho
    procedures: [juki.move_in]
    slot_minutes: 30
    capacity: 0
    hours: ["09:00-12:00", "11:00-13:00"]
  - code: manage
    name_ja: x
    name_en: x
    counter: nowhere
    procedures: [juki.move_in]
    slot_minutes: 30
    capacity: 1
    hours: ["17:00-09:00"]
"""
    with pytest.raises(ScheduleInvalid) as error:
        parse(text)
    messages = [str(p) for p in error.value.problems]
    assert any(m.startswith("appointments/test.yaml:3: sunday_openings[0].date:") and "not a Sunday" in m
               for m in messages), messages
    assert any("appointments/test.yaml:11: groups[0].capacity:" in m for m in messages), messages
    assert any("groups[0].hours:" in m and "overlap" in m for m in messages), messages
    assert any("groups[1].code:" in m and "reserved" in m for m in messages), messages
    assert any("groups[1].hours:" in m and "not before closing" in m for m in messages), messages


def test_a_counter_that_does_not_handle_a_procedure_is_named():
    text = """site: honcho
groups:
  - {code: x, name_ja: x, name_en: x, counter: kokuho, procedures: [nhi.enroll, juki.move_in], slot_minutes: 30,
     capacity: 1, hours: ["09:00-12:00"]}
  - {code: y, name_ja: y, name_en: y, counter: kita-cert, procedures: [cert.juminhyo], slot_minutes: 30,
     capacity: 1, hours: ["09:00-12:00"]}
  - {code: x, name_ja: z, name_en: z, counter: nowhere, procedures: [nhi.enroll], slot_minutes: 30,
     capacity: 1, hours: ["09:00-12:00"]}
"""
    with pytest.raises(ScheduleInvalid) as error:
        parse(text)
    messages = [str(p) for p in error.value.problems]
    assert any("groups[0].procedures[1]:" in m and "'juki.move_in'" in m for m in messages), messages
    assert any("groups[1].counter:" in m and "site 'kita'" in m for m in messages), messages
    assert any("groups[2].counter:" in m and "unknown counter" in m for m in messages), messages
    assert any("groups[2].code:" in m and "duplicate" in m for m in messages), messages


def test_closed_days_need_a_date_or_a_yearly_range():
    text = """site: honcho
closed:
  - {from: "12-29"}
  - {date: 2026-06-15, from: "01-01", to: "01-02"}
  - {from: "13-01", to: "01-02"}
groups:
  - {code: x, name_ja: x, name_en: x, counter: kokuho, procedures: [nhi.enroll], slot_minutes: 30,
     capacity: 1, hours: ["09:00-12:00"]}
"""
    with pytest.raises(ScheduleInvalid) as error:
        parse(text)
    fields = [p.field for p in error.value.problems]
    assert fields[:2] == ["closed[0]", "closed[1]"] and any(f.startswith("closed[2]") for f in fields)
