"""The live staffing plan (issue 18): from the queues now and the forecast of the hours left, which desks
to move within a section and when, with the effect; accepting a move of the hour closes one desk and opens
another. Pure planning first, then the real database (history → forecast → plan), then the browser."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from playwright.sync_api import expect

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Counter
from madoguchi.core.dates import lunch_rotation, next_office_day
from madoguchi.core.roles import Role
from madoguchi.insights import staffing
from madoguchi.insights.checks import lunch_rotation_readable
from madoguchi.insights.models import CounterHourRollup, RollupDay, VisitRollup
from madoguchi.insights.simulation.advisor import LiveCounter, desks_kept, plan_rest_of_day
from madoguchi.reception import services
from madoguchi.reception.selectors import desk_states

from .test_simulator_e2e import signed_in_page

NINE, CLOSES = 9 * 60.0, 17 * 60.0


def counter(code, section, open_, desks, *, waiting=0, arrivals=None, minutes=10.0):
    return LiveCounter(code, section, open_, desks, waiting * minutes, waiting, arrivals or {}, minutes)


def section_desks(plan, counters, section):
    return {hour: sum(row.desks[hour] for row in plan.outlook
                      if next(c for c in counters if c.code == row.code).section == section) for hour in plan.hours}


def test_work_waiting_now_takes_a_desk_of_the_same_section_now_and_never_another_sections():
    counters = [counter("cert", "koseki", 4, 4), counter("move", "koseki", 2, 4, waiting=30),
                counter("nhi", "kokuho", 6, 6)]
    plan = plan_rest_of_day(counters, now_minute=NINE, closes_minute=CLOSES, cv=0.5, p90_target=30, min_gain=30)
    now = [m for m in plan.moves if m.hour == 9]
    assert now and all((m.from_counter, m.to_counter) == ("cert", "move") for m in now)
    assert all(m.from_counter != "nhi" and m.to_counter != "nhi" for m in plan.moves)
    first = now[0]
    assert first.after[1] < first.before[1]  # the taking counter's wait falls …
    moved = {row.code: row for row in plan.outlook}
    assert moved["move"].mean_plan < moved["move"].mean_keep
    # … each section keeps the desks it has open now in every hour, a counter keeps one, none exceeds its desks
    assert set(section_desks(plan, counters, "koseki").values()) == {6}
    assert set(section_desks(plan, counters, "kokuho").values()) == {6}
    assert all(1 <= row.desks[h] <= 4 for row in plan.outlook if row.code != "nhi" for h in plan.hours)


def test_a_rush_the_forecast_sees_moves_a_desk_at_its_hour_not_before():
    counters = [counter("cert", "koseki", 3, 4, arrivals=dict.fromkeys(range(9, 17), 6.0)),
                counter("move", "koseki", 2, 6, arrivals={**dict.fromkeys(range(9, 17), 4.0), 14: 30.0},
                        minutes=20.0)]
    plan = plan_rest_of_day(counters, now_minute=NINE, closes_minute=CLOSES, cv=0.5, p90_target=30, min_gain=30)
    to_move = [m for m in plan.moves if m.to_counter == "move"]
    assert to_move and min(m.hour for m in to_move) in (13, 14)
    assert not [m for m in plan.moves if m.hour < 13]


def test_the_forecast_of_the_opening_half_hour_comes_in_its_thirty_minutes():
    # 8:30 opening: the forecast's 20 visitors of hour 8 come between 8:30 and 9:00, not spread over 60 minutes.
    counters = [counter("move", "koseki", 2, 6, arrivals={8: 20.0, 9: 10.0}, minutes=6.0)]
    opening = plan_rest_of_day(counters, now_minute=8.5 * 60, closes_minute=CLOSES, cv=0.5, p90_target=30,
                               opens_minute=8.5 * 60)
    assert opening.outlook[0].visitors == pytest.approx(30.0)
    at_8_45 = plan_rest_of_day(counters, now_minute=8.75 * 60, closes_minute=CLOSES, cv=0.5, p90_target=30,
                               opens_minute=8.5 * 60)
    assert at_8_45.outlook[0].visitors == pytest.approx(20.0)  # half the half hour left: 10, then hour 9's 10
    # 120 desk-minutes in half an hour at two desks: a backlog the plan sees (it saw half of it before).
    assert opening.outlook[0].worst_p90_keep > 20


def test_a_counter_that_got_a_desk_within_the_hour_gives_none_until_the_hour_is_over():
    counters = [counter("cert", "koseki", 4, 8, waiting=40), counter("move", "koseki", 3, 8),
                counter("family", "koseki", 3, 8)]
    plan = {}
    for settling in ((), {("move", 8 * 60 + 50)}, {("move", 9 * 60 + 40)}):
        plan[bool(settling) and next(iter(settling))[1]] = plan_rest_of_day(
            counters, now_minute=NINE, closes_minute=CLOSES, cv=0.5, p90_target=30, min_gain=30, settling=settling)

    def given(result, hour, giver):
        return sum(m.desks for m in result.moves if m.hour == hour and m.from_counter == giver)

    free, at_8_50, at_9_40 = plan[False], plan[8 * 60 + 50], plan[9 * 60 + 40]
    assert given(free, 9, "move") > 0  # the long certificate queue takes from both other counters
    # A desk came to 転入 at 8:50: it gives none in the 9:00 hour, the certificates take from 戸籍 instead …
    assert given(at_8_50, 9, "move") == 0 and given(at_8_50, 9, "family") > 0
    # … and from 10:00 (an hour on) it may give again; a desk that came at 9:40 keeps it through 10:00 too.
    assert given(at_9_40, 9, "move") == 0 and given(at_9_40, 10, "move") == 0
    assert sum(row.desks[10] for row in at_8_50.outlook) == sum(row.desks[10] for row in free.outlook)


def test_small_gains_move_no_desk_and_after_closing_there_is_nothing_to_plan():
    counters = [counter("cert", "koseki", 4, 4, waiting=2), counter("move", "koseki", 2, 4, waiting=3)]
    assert plan_rest_of_day(counters, now_minute=NINE, closes_minute=CLOSES, cv=0.5, p90_target=30,
                            min_gain=30).moves == []
    late = plan_rest_of_day(counters, now_minute=CLOSES, closes_minute=CLOSES, cv=0.5, p90_target=30)
    assert late.hours == [] and late.moves == []


def test_the_lunch_rotation_is_kept_and_leaving_for_lunch_is_not_a_move():
    counters = [counter("cert", "koseki", 4, 4), counter("move", "koseki", 2, 4), counter("nhi", "kokuho", 6, 6)]
    kept = desks_kept(counters, list(range(9, 17)), {12: 0.17})
    # a sixth of six desks away at 12:00 in each section, from the counter with the most open; back at 13:00
    assert [kept["cert"][h] for h in (11, 12, 13)] == [4, 3, 4] and kept["move"][12] == 2
    assert [kept["nhi"][h] for h in (11, 12, 13)] == [6, 5, 6]
    quiet = plan_rest_of_day(counters, now_minute=NINE, closes_minute=CLOSES, cv=0.5, p90_target=30, min_gain=30,
                             away={12: 0.17})
    assert quiet.moves == []
    assert section_desks(quiet, counters, "koseki") == {**dict.fromkeys(range(9, 17), 6), 12: 5}
    assert all(row.desks == row.desks_kept for row in quiet.outlook)

    # Work waiting at 移動: desks move from 証明 now and back when it is cleared, the same moves as without a
    # rotation; the lunch hour has one desk fewer in the section, and leaving for lunch or coming back is no move.
    busy = [counter("cert", "koseki", 4, 4), counter("move", "koseki", 2, 4, waiting=30),
            counter("nhi", "kokuho", 6, 6)]
    plan = plan_rest_of_day(busy, now_minute=NINE, closes_minute=CLOSES, cv=0.5, p90_target=30, min_gain=30,
                            away={12: 0.17})
    no_lunch = plan_rest_of_day(busy, now_minute=NINE, closes_minute=CLOSES, cv=0.5, p90_target=30, min_gain=30)

    def moves(p):
        return [(m.hour, m.from_counter, m.to_counter, m.desks) for m in p.moves]
    assert moves(plan) == moves(no_lunch) and moves(plan)[0][:3] == (9, "cert", "move")
    assert section_desks(plan, busy, "koseki")[12] == 5 and section_desks(plan, busy, "koseki")[13] == 6


def test_during_lunch_those_at_lunch_come_back_after_it_to_the_counters_open_today():
    counters = [counter("cert", "koseki", 3, 4), counter("move", "koseki", 2, 4), counter("passport", "koseki", 0, 6),
                counter("one", "solo", 1, 1)]
    kept = desks_kept(counters, [12, 13, 14], {12: 0.17}, away_now=0.17)
    assert sum(kept[c][12] for c in ("cert", "move")) == 5 and sum(kept[c][13] for c in ("cert", "move")) == 6
    assert set(kept["passport"].values()) == {0}  # closed all day: nobody comes back to it from lunch
    assert kept["one"] == {12: 1, 13: 1, 14: 1}  # a counter of one desk keeps it


def test_the_staff_of_the_day_are_counted_from_the_share_at_lunch_now_not_the_hours_average():
    # 11:30-13:30 at a fifth: at 11:10 nobody is at lunch yet (the hour's average would be a tenth).
    six = [counter("cert", "koseki", 4, 6), counter("move", "koseki", 2, 6)]
    kept = desks_kept(six, list(range(11, 17)), {11: 0.1, 12: 0.2, 13: 0.1}, away_now=0.0)
    assert [sum(kept[c][h] for c in ("cert", "move")) for h in range(11, 17)] == [5, 5, 5, 6, 6, 6]


def test_a_lunch_departure_leaves_from_where_the_plan_has_people_and_is_no_move():
    from madoguchi.insights.simulation.advisor import _standing, desk_moves

    # The plan had moved two desks from 証明 to 転入 by 11:00 and keeps one fewer at 転入 over lunch.
    standing = _standing({"cert": 2, "move": 4}, {"cert": 2, "move": 3}, -1, {"cert": 4, "move": 4})
    assert standing == {"cert": 2, "move": 3}
    assert desk_moves(12, standing, {"cert": 2, "move": 3}, {"koseki": ["cert", "move"]}) == []
    back = _standing({"cert": 2, "move": 3}, {"cert": 2, "move": 4}, 1, {"cert": 4, "move": 4})
    assert back == {"cert": 2, "move": 4}


def test_the_hour_a_plan_starts_in_counts_lunch_from_now_to_the_hours_end():
    from madoguchi.core.dates import LunchRotation

    rotation = LunchRotation(11 * 60 + 30, 13 * 60 + 30, 0.2)
    assert rotation.away_by_hour() == pytest.approx({11: 0.1, 12: 0.2, 13: 0.1})
    # At 11:50 the rest of the hour is all lunch: eight at desks now are ten staff, and 11:00 keeps eight, not nine.
    assert rotation.away_by_hour(from_minute=11 * 60 + 50) == pytest.approx({11: 0.2, 12: 0.2, 13: 0.1})
    eight = [counter("cert", "koseki", 5, 6), counter("move", "koseki", 3, 6)]
    kept = desks_kept(eight, [11, 12, 13, 14], rotation.away_by_hour(from_minute=11 * 60 + 50),
                      away_now=rotation.away_at(11 * 60 + 50))
    assert [kept["cert"][h] + kept["move"][h] for h in (11, 12, 13, 14)] == [8, 8, 9, 10]


@pytest.mark.parametrize(("hours", "share", "away"), [
    ("12:00-13:00", "0.17", {12: 0.17}),
    ("11:30-13:30", "0.2", {11: 0.1, 12: 0.2, 13: 0.1}),
    ("", "0.17", {}),
])
def test_the_lunch_rotation_is_read_from_the_settings(settings, hours, share, away):
    settings.LUNCH_HOURS, settings.LUNCH_SHARE = hours, share
    rotation = lunch_rotation()
    assert (rotation.away_by_hour() if rotation else {}) == pytest.approx(away)
    assert lunch_rotation_readable(None) == []


@pytest.mark.parametrize(("hours", "share"), [("noon", "0.17"), ("13:00-12:00", "0.17"), ("12:00-13:00", "1"),
                                              ("12:00-13:00", "a sixth")])
def test_a_lunch_rotation_it_cannot_read_is_a_configuration_error(settings, hours, share):
    settings.LUNCH_HOURS, settings.LUNCH_SHARE = hours, share
    with pytest.raises(ImproperlyConfigured):
        lunch_rotation()
    assert [error.id for error in lunch_rotation_readable(None)] == ["insights.E001"]


TOKYO = timezone.get_fixed_timezone(9 * 60)


@pytest.mark.parametrize(("moment", "planned", "starts_now"), [
    (datetime(2026, 12, 2, 10, 0), datetime(2026, 12, 2, 10, 0), True),  # Wednesday morning: from now
    (datetime(2026, 12, 2, 7, 0), datetime(2026, 12, 2, 8, 30), False),  # before opening: from opening
    (datetime(2026, 12, 4, 18, 0), datetime(2026, 12, 7, 8, 30), False),  # Friday evening: Monday
])
def test_the_plan_starts_now_or_at_the_next_opening(settings, moment, planned, starts_now):
    settings.OFFICE_HOURS = "08:30-17:15"
    day, first_minute, closes_minute, now = staffing.planning_window(moment.replace(tzinfo=TOKYO))
    assert (day, first_minute, closes_minute, now) == (planned.date(), planned.hour * 60 + planned.minute,
                                                       17 * 60 + 15, starts_now)


def history_with_a_rush(site, *, weeks=8, rush_hour=14):
    """``weeks`` of office days before today: steady joins everywhere, and a rush at 転入 at ``rush_hour``."""
    today = timezone.localdate()
    move, cert = Counter.objects.get(code="koseki-move"), Counter.objects.get(code="koseki-cert")
    visits, hours = [], []
    day = today - timedelta(weeks=weeks)
    while day < today:
        if day == next_office_day(day):
            for hour in range(9, 17):
                joins = {move: 30 if hour == rush_hour else 3, cert: 6}
                visits.append(VisitRollup(day=day, site=site, hour=hour, channel="counter", origin="live", size=1,
                                          visits=sum(joins.values())))
                for which, count in joins.items():
                    hours.append(CounterHourRollup(day=day, site=site, counter=which, hour=hour, joins=count,
                                                   handling_count=count, handling_sum=count * 20.0))
            RollupDay.objects.create(day=day, computed_at=timezone.now(), visits=0)
        day += timedelta(days=1)
    VisitRollup.objects.bulk_create(visits)
    CounterHourRollup.objects.bulk_create(hours)


@pytest.mark.django_db
def test_the_forecast_of_a_rush_reaches_the_plan_of_the_day(site):
    history_with_a_rush(site)
    move = Counter.objects.get(code="koseki-move")
    for number in range(3, move.desks + 1):
        services.desk_set_open(counter=move, number=number, is_open=False)
    day = next_office_day(timezone.localdate() + timedelta(days=1))
    morning = timezone.make_aware(datetime.combine(day, time(9, 0)))
    view = staffing.live_plan(target=30, now=morning)
    assert view.now and view.day == day and view.forecast_days > 30
    to_move = [m for m in view.plan.moves if m.to_counter == "koseki-move"]
    assert to_move and min(m.hour for m in to_move) in (13, 14)
    assert all(view.counters[m.from_counter].department_id == move.department_id for m in view.plan.moves)
    outlook = {row.code: row for row in view.plan.outlook}
    assert outlook["koseki-move"].visitors == pytest.approx(3 * 7 + 30, rel=0.35)
    assert outlook["koseki-move"].worst_p90_plan < outlook["koseki-move"].worst_p90_keep


@pytest.mark.django_db
def test_an_accepted_move_is_audited_and_the_plan_of_the_next_hour_does_not_undo_it(site, monkeypatch, settings):
    from madoguchi.audit.models import Event

    settings.LUNCH_HOURS = ""
    move, cert = Counter.objects.get(code="koseki-move"), Counter.objects.get(code="koseki-cert")
    services.desk_set_open(counter=move, number=move.desks, is_open=False)
    supervisor = UserFactory(role=Role.SUPERVISOR)
    closed, opened = staffing.staffing_accept(from_counter=cert, to_counter=move, actor=supervisor)
    event = Event.objects.get(action="staffing.move_accepted")
    assert event.actor == supervisor and event.target_id == str(move.pk)
    assert event.details == {"from_counter": "koseki-cert", "to_counter": "koseki-move", "closed_desk": closed,
                             "opened_desk": opened}

    moved = event.created_at
    def pairs(now):
        return [(m.from_counter, m.to_counter) for m in staffing.recent_moves(now)]

    assert pairs(moved + timedelta(minutes=40)) == [("koseki-cert", "koseki-move")]
    assert pairs(moved + timedelta(minutes=61)) == []  # an hour on: free again
    assert pairs(moved - timedelta(seconds=1)) == []

    # The page's plan gets them while the office is open (here: pretend it is, whatever the test's hour).
    monkeypatch.setattr(staffing, "planning_window", lambda now: (timezone.localdate(), 600.0, 1020.0, True))
    seen = []
    real = staffing.plan_rest_of_day

    def spy(*args, **kwargs):
        seen.append(kwargs.get("settling"))
        return real(*args, **kwargs)

    monkeypatch.setattr(staffing, "plan_rest_of_day", spy)
    staffing.live_plan(now=moved + timedelta(minutes=40))
    (counter_code, minute), = seen[-1]
    assert counter_code == "koseki-move" and minute == pytest.approx(600 - 40)  # 40 minutes before the plan's 10:00


@pytest.mark.django_db
def test_the_page_lists_the_moves_of_the_last_hour_in_japanese(client, site, monkeypatch, settings):
    settings.LUNCH_HOURS = ""
    monkeypatch.setattr(staffing, "planning_window", lambda now: (timezone.localdate(), 600.0, 1020.0, True))
    move, cert = Counter.objects.get(code="koseki-move"), Counter.objects.get(code="koseki-cert")
    services.desk_set_open(counter=move, number=move.desks, is_open=False)
    supervisor = UserFactory(role=Role.SUPERVISOR)
    client.force_login(supervisor)
    assert "この1時間に移した席" not in client.get("/staff/insights/staffing/").content.decode()

    staffing.staffing_accept(from_counter=cert, to_counter=move, actor=supervisor)
    text = client.get("/staff/insights/staffing/").content.decode()
    from madoguchi.audit.models import Event

    local = timezone.localtime(Event.objects.get(action="staffing.move_accepted").created_at)
    assert "この1時間に移した席" in text
    assert f"{local.hour}:{local.minute:02d}：{cert.name} から {move.name} へ1席" in text  # Tokyo time, as 9:40
    assert "koseki" not in text.replace('value="koseki', "")  # no counter code shown


def open_desks(counter):
    return sum(is_open for _number, is_open in desk_states(counter))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_supervisor_accepts_the_suggestion_and_the_desks_change(site, browser, live_server, axe, monkeypatch):
    # Open at 10:00 whatever the test's hour: the moves of the hour and those of the last hour show.
    monkeypatch.setattr(staffing, "planning_window", lambda now: (timezone.localdate(), 600.0, 1020.0, True))
    move = Counter.objects.get(code="koseki-move")
    for number in range(2, move.desks + 1):
        services.desk_set_open(counter=move, number=number, is_open=False)
    for _ in range(6):
        services.visit_register(site=site, procedure_codes=["juki.move_in"])
    plan = staffing.live_plan(target=30).plan
    first = plan.moves[0]
    assert first.hour == plan.hours[0] and first.to_counter == "koseki-move"
    giver = Counter.objects.get(code=first.from_counter)
    before = open_desks(giver)

    page = signed_in_page(browser, live_server, UserFactory(role=Role.SUPERVISOR))
    page.goto("/staff/insights/staffing/")
    expect(page.get_by_role("heading", level=2).first).to_contain_text(move.name_ja)
    axe(page)
    page.get_by_role("button", name="受け入れる", exact=False).first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="この1時間に移した席")).to_be_visible()
    axe(page)

    assert open_desks(move) == 2
    assert open_desks(giver) == before - 1


@pytest.mark.django_db
def test_with_no_queue_and_no_history_the_page_says_no_move_is_needed_in_japanese(client, site, settings):
    settings.LUNCH_HOURS = "08:00-18:00"  # every hour planned, whatever the time of the test
    client.force_login(UserFactory(role=Role.SUPERVISOR))
    response = client.get("/staff/insights/staffing/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "移動は不要です" in text and "まだ実績がありません" in text and "Staffing" not in text
    assert "昼休みの交代を含めています：08:00-18:00 は各課の職員の約17%が休憩中" in text and "（昼休み交代）" in text
    settings.LUNCH_HOURS = ""
    assert "昼休み" not in client.get("/staff/insights/staffing/").content.decode()
    client.force_login(UserFactory(role=Role.COUNTER))
    assert client.get("/staff/insights/staffing/").status_code == 403


@pytest.mark.django_db
def test_when_no_desk_can_move_the_page_says_which_counters_wait_too_long_and_why(client, site):
    for code in ("koseki-move", "koseki-family", "koseki-mynumber"):  # the section has no desk to spare
        counter = Counter.objects.get(code=code)
        for number in range(2, counter.desks + 1):
            services.desk_set_open(counter=counter, number=number, is_open=False)
    for _ in range(40):
        services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    client.force_login(UserFactory(role=Role.SUPERVISOR))
    text = client.get("/staff/insights/staffing/").content.decode()
    cert = Counter.objects.get(code="koseki-cert")
    assert "窓口を移しても待ち時間を短縮できません" in text and "移動は不要です" not in text
    assert f"{cert.name_ja}：" in text and f"{cert.desks}窓口中{cert.desks}窓口" in text
    assert "移されたばかり" not in text


@pytest.mark.django_db
def test_a_counter_that_just_got_desks_gives_none_this_hour_and_the_page_says_why(client, site, monkeypatch):
    from madoguchi.audit import services as audit

    cert, move = Counter.objects.get(code="koseki-cert"), Counter.objects.get(code="koseki-move")
    for number in range(2, cert.desks + 1):  # the certificates' queue is long, the moving desks all open
        services.desk_set_open(counter=cert, number=number, is_open=False)
    for _ in range(40):
        services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    for code in ("koseki-family", "koseki-mynumber"):  # their desks went to the moving counter a moment ago
        counter = Counter.objects.get(code=code)
        for number in range(2, counter.desks + 1):
            services.desk_set_open(counter=counter, number=number, is_open=False)
        audit.staffing_move_accepted(actor=None, from_counter=counter, to_counter=move, closed_desk=2, opened_desk=6)
    client.force_login(UserFactory(role=Role.SUPERVISOR))

    monkeypatch.setattr(staffing, "planning_window", lambda now: (timezone.localdate(), 600.0, 1020.0, True))
    text = client.get("/staff/insights/staffing/").content.decode()
    assert "いま住民異動" not in text  # 転入 got two desks a moment ago: none leaves it in this hour …
    assert f"11:00 に {move.name_ja} から {cert.name_ja} へ窓口を1つ移す" in text  # … at 11:00
    assert "この1時間に移した席" in text

    # At 16:00, an hour before closing, nothing may move: the page says a recent move is why.
    monkeypatch.setattr(staffing, "planning_window", lambda now: (timezone.localdate(), 960.0, 1020.0, True))
    text = client.get("/staff/insights/staffing/").content.decode()
    assert "窓口を移しても待ち時間を短縮できません" in text
    assert "助けになる席がこの1時間に移されたばかりです" in text
