"""The tables of each insights page, built from the figures (``figures``, ``effects``, ``forecasts``).

Each builder returns ``Table`` objects (``tables``) in display order; the same tables go to the page,
to CSV and XLSX, and to the monthly PDF.
"""

from django.utils.translation import gettext as _

from madoguchi.reception.models import Channel, Origin

from . import forecast as forecast_model
from .effects import ServiceEffect
from .figures import Dashboard
from .tables import Column, Table


def channel_label(code: str) -> str:
    return str(dict(Channel.choices).get(code, code))


def origin_label(code: str) -> str:
    return str(dict(Origin.choices).get(code, code))


def level_label(level: str | None) -> str:
    return {"low": _("Not busy"), "medium": _("Somewhat busy"), "high": _("Busy"), None: _("Closed")}[level]


def level_symbol(level: str | None) -> str:
    # Shown beside the words and the colour: the level reads without colour too.
    return {"low": "○", "medium": "△", "high": "×", None: "—"}[level]


def _wait_columns(prefix: str = "wait") -> list[Column]:
    return [Column(f"{prefix}_mean", _("Mean wait (min)"), "minutes"),
            Column(f"{prefix}_median", _("Median wait (min)"), "minutes"),
            Column(f"{prefix}_p90", _("90th percentile wait (min)"), "minutes")]


def _handling_columns() -> list[Column]:
    return [Column("handling_mean", _("Mean handling (min)"), "minutes"),
            Column("handling_median", _("Median handling (min)"), "minutes"),
            Column("handling_p90", _("90th percentile handling (min)"), "minutes")]


def _spreads(figures) -> dict:
    return {"wait_mean": figures.wait.mean, "wait_median": figures.wait.median, "wait_p90": figures.wait.p90,
            "handling_mean": figures.handling.mean, "handling_median": figures.handling.median,
            "handling_p90": figures.handling.p90}


def dashboard_tables(board: Dashboard) -> list[Table]:
    daily = Table("daily", _("Visits and waits per day"), [
        Column("day", _("Date"), "date"), Column("visits", _("Visits"), "int"),
        Column("multi", _("With several procedures"), "int"),
        Column("handoffs", _("Handed on to another counter"), "int"),
        Column("joins", _("Queue joins at counters"), "int"), Column("wait_mean", _("Mean wait (min)"), "minutes"),
        Column("handling_mean", _("Mean handling (min)"), "minutes"), Column("no_shows", _("No-shows"), "int")])
    for row in board.by_day:
        v, c = row["visits"], row["counters"]
        daily.rows.append({"day": row["day"], "visits": v.visits, "multi": v.multi_procedure,
                           "handoffs": v.multi_counter, "joins": c.joins, "wait_mean": c.wait.mean,
                           "handling_mean": c.handling.mean, "no_shows": c.no_shows})
    hourly = Table("hourly", _("By hour of the day"), [
        Column("hour", _("Hour")), Column("visits_per_day", _("Visits per office day"), "number"),
        Column("joins", _("Queue joins at counters"), "int"), *_wait_columns(),
        Column("handling_mean", _("Mean handling (min)"), "minutes"),
        Column("desk_hours", _("Desk-hours active"), "number"), Column("utilisation", _("Utilisation"), "share")])
    for row in board.by_hour:
        c = row["counters"]
        hourly.rows.append({"hour": f"{row['hour']}:00", "visits_per_day": row["visits_per_day"], "joins": c.joins,
                            **_spreads(c), "desk_hours": c.desk_hours, "utilisation": c.utilisation})
    channels = Table("channels", _("How visits were registered"), [
        Column("channel", _("Channel")), Column("visits", _("Visits"), "int"), Column("share", _("Share"), "share"),
        Column("multi_share", _("Share with several procedures"), "share"),
        Column("added_share", _("Share with a procedure added at a counter"), "share")])
    total = board.visits.visits
    for row in board.by_channel:
        v = row["visits"]
        channels.rows.append({"channel": channel_label(row["channel"]), "visits": v.visits,
                              "share": v.visits / total if total else None, "multi_share": v.share("multi_procedure"),
                              "added_share": v.share("with_added")})
    counters = Table("counters", _("By counter"), [
        Column("counter", _("Counter")), Column("joins", _("Queue joins"), "int"), *_wait_columns(),
        *_handling_columns(), Column("no_shows", _("No-shows"), "int"),
        Column("no_show_rate", _("No-shows per call"), "share"),
        Column("desk_hours", _("Desk-hours active"), "number"), Column("utilisation", _("Utilisation"), "share")])
    for row in board.by_counter:
        c = row["figures"]
        counters.rows.append({"counter": f"{row['counter'].number} {row['counter'].name}", "joins": c.joins,
                              **_spreads(c), "no_shows": c.no_shows, "no_show_rate": c.no_show_rate,
                              "desk_hours": c.desk_hours, "utilisation": c.utilisation})
    procedures = Table("procedures", _("By procedure"), [
        Column("procedure", _("Procedure")), Column("steps", _("Handled"), "int"),
        Column("prefilled", _("With pre-filled forms"), "int"), *_wait_columns(), *_handling_columns()])
    for row in board.by_procedure:
        procedures.rows.append({"procedure": row["procedure"].name, "steps": row["steps"],
                                "prefilled": row["prefilled"], "wait_mean": row["wait"].mean,
                                "wait_median": row["wait"].median, "wait_p90": row["wait"].p90,
                                "handling_mean": row["handling"].mean, "handling_median": row["handling"].median,
                                "handling_p90": row["handling"].p90})
    accuracy = Table("accuracy", _("Accuracy of the wait shown when joining a queue, per counter and week"), [
        Column("week", _("Week of"), "date"), Column("counter", _("Counter")),
        Column("estimates", _("Queue joins with an estimate"), "int"),
        Column("mae", _("Mean absolute error (min)"), "minutes"),
        Column("bias", _("Mean error (min, negative: promised too short)"), "minutes"),
        Column("mean_wait", _("Mean wait (min)"), "minutes")],
        note=_("Joins recorded without the estimate shown (imported days, older records) are left out."))
    for row in board.accuracy:
        accuracy.rows.append({"week": row["week"], "counter": f"{row['counter'].number} {row['counter'].name}",
                              "estimates": row["estimates"], "mae": row["mae"], "bias": row["bias"],
                              "mean_wait": row["mean_wait"]})
    origins = Table("origins", _("Where the records come from"), [
        Column("origin", _("Records")), Column("visits", _("Visits"), "int")])
    origins.rows = [{"origin": origin_label(r["origin"]), "visits": r["visits"]} for r in board.by_origin]
    return [daily, hourly, channels, counters, procedures, accuracy, origins]


def verdict(effect) -> str:
    if effect is None:
        return _("Not measured yet")
    if not effect.enough:
        return _("Too few to say (fewer than %(count)s on a side)") % {"count": effect.min_count}
    low, high = effect.ci95
    if low > 0 or high < 0:
        return _("A difference: its interval (95%) excludes none")
    return _("No clear difference: its interval (95%) includes none")


def effect_summary_table(effects: list[ServiceEffect]) -> Table:
    table = Table("effects", _("Usage and effect of each digital service"), [
        Column("service", _("Service")), Column("usage_rate", _("Usage rate"), "share"),
        Column("measure", _("Compared")), Column("n_with", _("With the service"), "int"),
        Column("n_without", _("Without"), "int"), Column("mean_with", _("With: mean"), "number"),
        Column("mean_without", _("Without: mean"), "number"), Column("difference", _("Difference"), "number"),
        Column("relative", _("Relative difference"), "change"),
        Column("ci95_relative", _("Interval (95%), relative"), "ci"), Column("verdict", _("What it says"))],
        note=_("Shares (navigator) are given as fractions: 0.05 is 5 visits in 100."))
    for item in effects:
        effect = item.effect
        enough = effect is not None and effect.enough
        mean_with = getattr(effect, "mean_with", None) if effect else None
        mean_without = getattr(effect, "mean_without", None) if effect else None
        if effect is not None and mean_with is None and hasattr(effect, "share_with"):
            mean_with, mean_without = effect.share_with, effect.share_without
        table.rows.append({
            "service": item.label, "usage_rate": item.usage_rate, "measure": item.measure_label,
            "n_with": effect.n_with if effect else None, "n_without": effect.n_without if effect else None,
            "mean_with": mean_with if enough else None, "mean_without": mean_without if enough else None,
            "difference": effect.difference if enough else None, "relative": effect.relative if enough else None,
            "ci95_relative": effect.ci95_relative if enough else None, "verdict": verdict(effect),
            "service_code": item.service})
    return table


def strata_table(item: ServiceEffect) -> Table:
    share = item.measure == "visits_with_added_procedures"
    table = Table(f"strata_{item.service}", _("%(service)s: compared like with like") % {"service": item.label}, [
        Column("stratum", _("Compared within")), Column("counter", _("Counter")),
        Column("usage_rate", _("Usage rate"), "share"), Column("n_with", _("With"), "int"),
        Column("n_without", _("Without"), "int"),
        Column("mean_with", _("With: mean"), "share" if share else "minutes"),
        Column("mean_without", _("Without: mean"), "share" if share else "minutes"),
        Column("relative", _("Relative difference"), "change"),
        Column("ci95_relative", _("Interval (95%), relative"), "ci")])
    too_few = _("too few to say")
    for stratum in item.strata:
        effect = stratum.effect
        enough = stratum.enough
        with_, without = ((effect.share_with, effect.share_without) if share else
                          (effect.mean_with, effect.mean_without))
        table.rows.append({
            "stratum": stratum.label if enough else f"{stratum.label} — {too_few}",
            "counter": stratum.counter.name if stratum.counter else "", "usage_rate": stratum.usage_rate,
            "n_with": effect.n_with or None, "n_without": effect.n_without or None,
            "mean_with": with_ if enough else None, "mean_without": without if enough else None,
            "relative": effect.relative if enough else None,
            "ci95_relative": effect.ci95_relative if enough else None})
    return table


def weekly_usage_table(weeks: list[dict]) -> Table:
    table = Table("usage_weekly", _("Usage per week"), [
        Column("week", _("Week of"), "date"), Column("visits", _("Visits"), "int"),
        Column("prefilled", _("No-writing counter"), "share"), Column("preapplication", _("Pre-application"), "share"),
        Column("appointment", _("Appointment"), "share"), Column("navigator", _("Navigator QR"), "share")],
        note=_("Shares of the week's visits."))
    for week in weeks:
        n = week["visits"]
        table.rows.append({"week": week["week"], "visits": n,
                           **{k: (week[k] / n if n else None) for k in
                              ("prefilled", "preapplication", "appointment", "navigator")}})
    return table


def counter_usage_table(cells: list[dict]) -> Table:
    totals: dict = {}
    for cell in cells:
        counter = cell["counter"]
        if counter is None:
            continue
        row = totals.setdefault(counter.pk, {"counter": f"{counter.number} {counter.name}", "steps": 0,
                                             "prefillable": 0, "prefilled": 0, "preapplication": 0, "appointment": 0})
        for key in ("steps", "prefillable", "prefilled", "preapplication", "appointment"):
            row[key] += cell[key]
    table = Table("usage_counters", _("Usage per counter"), [
        Column("counter", _("Counter")), Column("steps", _("Handled"), "int"),
        Column("prefillable", _("With a pre-fillable form"), "int"),
        Column("prefill_rate", _("Of those, pre-filled"), "share"),
        Column("preapplication_rate", _("From a pre-application"), "share"),
        Column("appointment_rate", _("With an appointment"), "share")])
    for row in totals.values():
        table.rows.append({**row, "prefill_rate": row["prefilled"] / row["prefillable"] if row["prefillable"] else None,
                           "preapplication_rate": row["preapplication"] / row["steps"] if row["steps"] else None,
                           "appointment_rate": row["appointment"] / row["steps"] if row["steps"] else None})
    return table


def counter_week_usage_table(cells: list[dict]) -> Table:
    """Usage over time per counter: each week's pre-fill, pre-application and appointment shares."""
    table = Table("usage_counter_weeks", _("Usage per counter and week"), [
        Column("week", _("Week of"), "date"), Column("counter", _("Counter")), Column("steps", _("Handled"), "int"),
        Column("prefill_rate", _("Pre-filled (of those with a pre-fillable form)"), "share"),
        Column("preapplication_rate", _("From a pre-application"), "share"),
        Column("appointment_rate", _("With an appointment"), "share")])
    for cell in cells:
        counter = cell["counter"]
        if counter is None:
            continue
        table.rows.append({
            "week": cell["week"], "counter": f"{counter.number} {counter.name}", "steps": cell["steps"],
            "prefill_rate": cell["prefilled"] / cell["prefillable"] if cell["prefillable"] else None,
            "preapplication_rate": cell["preapplication"] / cell["steps"] if cell["steps"] else None,
            "appointment_rate": cell["appointment"] / cell["steps"] if cell["steps"] else None})
    return table


def procedure_week_usage_table(cells: list[dict]) -> Table:
    """Usage over time per procedure: each week's pre-fill, pre-application and appointment shares."""
    table = Table("usage_procedure_weeks", _("Usage per procedure and week"), [
        Column("week", _("Week of"), "date"), Column("procedure", _("Procedure")),
        Column("steps", _("Handled"), "int"),
        Column("prefill_rate", _("Pre-filled"), "share"),
        Column("preapplication_rate", _("From a pre-application"), "share"),
        Column("appointment_rate", _("With an appointment"), "share")],
        note=_("A procedure without a pre-fillable form shows no pre-fill share. A counter step carrying two "
               "procedures counts for each."))
    for cell in cells:
        steps = cell["steps"]
        table.rows.append({
            "week": cell["week"], "procedure": cell["procedure"].name if cell["procedure"] else cell["code"],
            "steps": steps,
            "prefill_rate": cell["prefilled"] / steps if cell["prefillable"] and steps else None,
            "preapplication_rate": cell["preapplication"] / steps if steps else None,
            "appointment_rate": cell["appointment"] / steps if steps else None})
    return table


def forecast_days_table(days: list[forecast_model.DayForecast], reason_labels: dict[str, str]) -> Table:
    table = Table("forecast_days", _("Congestion forecast per day"), [
        Column("day", _("Date"), "date"), Column("weekday", _("Weekday")), Column("level", _("Level")),
        Column("expected_visits", _("Expected visits"), "number"),
        Column("expected_wait_minutes", _("Expected wait (min)"), "minutes"), Column("reasons", _("Why"))])
    for day in days:
        table.rows.append({"day": day.day, "weekday": _weekday(day.day),
                           "level": f"{level_symbol(day.level)} {level_label(day.level if day.open else None)}",
                           "expected_visits": day.expected_visits if day.open else None,
                           "expected_wait_minutes": day.expected_wait_minutes,
                           "reasons": "、".join(reason_labels.get(r, r) for r in day.reasons),
                           "level_code": day.level if day.open else None})
    return table


def forecast_hours_table(day: forecast_model.DayForecast, *, desks=None) -> Table:
    columns = [Column("hour", _("Hour")), Column("level", _("Level")),
               Column("expected_visits", _("Expected visits"), "number"),
               Column("expected_wait_minutes", _("Expected wait (min)"), "minutes")]
    if desks is not None:
        columns.append(Column("desks", _("Desks needed"), "int"))
    table = Table("forecast_hours", _("Hour by hour"), columns)
    for hour in day.hours:
        row = {"hour": f"{hour.hour}:00", "level": f"{level_symbol(hour.level)} {level_label(hour.level)}",
               "expected_visits": hour.expected_visits, "expected_wait_minutes": hour.expected_wait_minutes,
               "level_code": hour.level}
        if desks is not None:
            row["desks"] = desks(hour)
        table.rows.append(row)
    return table


def weekday_label_of(index: int) -> str:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")][index]


def _weekday(day) -> str:
    return weekday_label_of(day.weekday())
