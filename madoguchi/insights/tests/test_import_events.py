"""import_events: the old system's ticket log as ordinary visits marked imported — all or nothing,
FILE:LINE: field for every bad row, idempotent; the imported days feed the figures and the forecast."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from madoguchi.audit.models import Event
from madoguchi.catalog.models import Procedure, Site
from madoguchi.insights import forecasts, services
from madoguchi.insights.figures import Scope, dashboard
from madoguchi.insights.history.ticketlog import LogInvalid, read_log
from madoguchi.reception.models import Origin, Step, StepEvent, Visit

from .ticketlog_generator import HEADER, TOKYO, ticket_log

pytestmark = pytest.mark.django_db

ROWS = """\
A-001,2025-04-01T09:00:00+09:00,koseki-move,juki.move_in,reception,2025-04-01T09:20:00+09:00,2025-04-01T09:21:00+09:00,2025-04-01T09:46:00+09:00
A-001,2025-04-01T09:46:00+09:00,kokuho,nhi.enroll,,2025-04-01T10:00:00+09:00,2025-04-01T10:01:00+09:00,2025-04-01T10:13:00+09:00
A-002,2025-04-01T09:05:00+09:00,koseki-cert,,kiosk,2025-04-01T09:07:00+09:00,,2025-04-01T09:12:00+09:00
A-003,2025-04-01T09:10:00+09:00,koseki-cert,cert.juminhyo,kiosk,,,
"""


def log(tmp_path, rows=ROWS, name="old.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n" + rows, encoding="utf-8")
    return path


def test_a_log_becomes_visits_steps_and_events_marked_imported(starter_catalog, tmp_path):
    result = services.events_import(path=log(tmp_path))

    assert (result.visits, result.steps, result.already, result.days) == (3, 4, 0, [date(2025, 4, 1)])
    visit = Visit.objects.get(ticket_number="A-001")
    assert visit.origin == Origin.IMPORTED and visit.channel == "reception" and visit.status == "done"
    assert [s.counter.code for s in visit.steps.order_by("queued_at")] == ["koseki-move", "kokuho"]
    step = visit.steps.get(counter__code="koseki-move")
    assert [e.kind for e in step.events.order_by("at", "id")] == ["queued", "called", "serving", "done"]
    assert list(step.procedures.values_list("code", flat=True)) == ["juki.move_in"]
    never_called = Step.objects.get(visit__ticket_number="A-003")
    assert never_called.status == Step.Status.CANCELLED
    assert Visit.objects.get(ticket_number="A-003").status == Visit.Status.CANCELLED
    assert Event.objects.filter(action="insights.events_imported").count() == 1


def test_the_imported_day_feeds_the_dashboard(starter_catalog, tmp_path):
    services.events_import(path=log(tmp_path))

    figures = dashboard(Scope(date(2025, 4, 1), date(2025, 4, 1), Site.objects.get(code="honcho")))

    assert figures.visits.visits == 3 and figures.visits.multi_counter == 1
    assert figures.counters_total.wait.count == 3  # A-003 was never called
    assert figures.counters_total.handling.count == 2  # A-002 has no start time
    assert {row["origin"]: row["visits"] for row in figures.by_origin} == {"imported": 3}


def test_importing_the_same_file_twice_changes_nothing(starter_catalog, tmp_path):
    path = log(tmp_path)
    services.events_import(path=path)
    counts = (Visit.objects.count(), Step.objects.count(), StepEvent.objects.count())

    again = services.events_import(path=path)

    assert (again.visits, again.already) == (0, 3)
    assert (Visit.objects.count(), Step.objects.count(), StepEvent.objects.count()) == counts


def test_a_later_export_adds_only_its_new_visits(starter_catalog, tmp_path):
    services.events_import(path=log(tmp_path))
    more = ROWS + ("A-004,2025-04-01T11:00:00+09:00,koseki-cert,cert.tax,,2025-04-01T11:03:00+09:00,,"
                   "2025-04-01T11:06:00+09:00\n")

    result = services.events_import(path=log(tmp_path, more, "old2.csv"))

    assert (result.visits, result.already) == (1, 3)
    assert Visit.objects.filter(ticket_number="A-004").exists()


@pytest.mark.parametrize(("row", "problem"), [
    ("A-9,2025-04-01T09:00:00+09:00,nowhere,,,,,", "old.csv:6: counter: unknown counter 'nowhere'"),
    ("A-9,2025-04-01 09:00,koseki-cert,,,,,", "old.csv:6: issued_at: '2025-04-01 09:00' is not an ISO 8601"),
    ("A-9,2025-04-01T09:00:00,koseki-cert,,,,,", "old.csv:6: issued_at: '2025-04-01T09:00:00' is not an ISO 8601"),
    ("A-9,2025-04-01T09:00:00+09:00,koseki-cert,cert.nope,,,,", "old.csv:6: procedure: unknown procedure 'cert.nope'"),
    ("A-9,2025-04-01T09:00:00+09:00,koseki-cert,,fax,,,", "old.csv:6: channel: unknown channel 'fax'"),
    ("A-9,2025-04-01T09:00:00+09:00,koseki-cert,,,2025-04-01T08:00:00+09:00,,",
     "old.csv:6: called_at: is before issued_at"),
    ("A-9,2025-04-01T09:00:00+09:00,koseki-cert,,", "old.csv:6: : 5 columns instead of 8"),
    ("1234 5678 9018,2025-04-01T09:00:00+09:00,koseki-cert,,,,,", "old.csv:6: ticket: looks like an individual number"),
    ("A-001,2025-04-01T09:00:00+09:00,koseki-move,,,,,", "old.csv:6: ticket: the same step as line 2"),
])
def test_a_bad_row_refuses_the_whole_file_naming_file_line_and_field(starter_catalog, tmp_path, row, problem):
    with pytest.raises(LogInvalid) as refused:
        services.events_import(path=log(tmp_path, ROWS + row + "\n"))

    assert any(problem in p for p in refused.value.problems), refused.value.problems
    assert not Visit.objects.exists()


def test_a_wrong_header_or_a_ticket_across_sites_is_refused(starter_catalog, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("ticket,when,counter\n", encoding="utf-8")
    with pytest.raises(LogInvalid, match=r"bad\.csv:1: the header must be"):
        services.events_import(path=path)
    across = ("B-1,2025-04-01T09:00:00+09:00,koseki-cert,,,,,\n"
              "B-1,2025-04-01T09:30:00+09:00,kita-cert,,,,,\n")
    with pytest.raises(LogInvalid, match=r"old.csv:3: counter: ticket B-1 on 2025-04-01 is at site honcho"):
        services.events_import(path=log(tmp_path, across))


def test_the_command_reports_what_it_imported_and_refuses_with_every_problem(starter_catalog, tmp_path, capsys):
    call_command("import_events", str(log(tmp_path)))
    assert "Imported 3 visits (4 steps)" in capsys.readouterr().out

    with pytest.raises(CommandError, match="was refused"):
        call_command("import_events", str(log(tmp_path, "X,bad,,,,,,\n", "worse.csv")))
    assert "worse.csv:2: issued_at" in capsys.readouterr().err


def test_imported_days_are_the_forecasts_history_as_the_log_says(starter_catalog, tmp_path, capsys):
    """Six weeks of a branch-like office's log imported and rolled up: the forecast reads, hour by hour,
    the arrivals the log holds (test_forecast shows the model beats the baseline on a year of the same
    office's log read by the same reader), and the backtest command runs on it."""
    text = ticket_log(date(2026, 6, 20), date(2026, 7, 31), seed=5)
    path = tmp_path / "months.csv"
    path.write_text(text, encoding="utf-8")
    services.events_import(path=path)
    expected_site: dict = {}
    expected_counters: dict = {}
    for visit in read_log(text, name="x", counters={"koseki-cert": "honcho", "kokuho": "honcho", "kazei": "honcho"},
                          procedures=set(Procedure.objects.values_list("code", flat=True)),
                          channels={"reception", "kiosk"}, timezone=TOKYO):
        expected_site.setdefault(visit.day, [0.0] * 24)[visit.arrived_at.astimezone(TOKYO).hour] += 1
        for row in visit.rows:
            hours = expected_counters.setdefault(row.counter, {}).setdefault(visit.day, [0.0] * 24)
            hours[row.issued_at.astimezone(TOKYO).hour] += 1

    site_series, counter_series = forecasts.history(Site.objects.get(code="honcho"), until=date(2026, 8, 1))

    assert site_series.arrivals == expected_site
    assert {code: series.arrivals for code, series in counter_series.items()} == expected_counters
    call_command("forecast_backtest", "--weeks", "2", "--end", "2026-08-01")
    out = capsys.readouterr().out
    assert "site: visits arriving" in out and "counters: queue joins (all)" in out and "ratio" in out
