"""The survey analysis as tables (page, CSV, XLSX and the printed report hold the same cells)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from madoguchi.catalog.models import Counter
from madoguchi.core.tables import Column, Table
from madoguchi.reception.models import Step, Visit

from . import analysis, selectors
from .analysis import HIDDEN, count_cell, mean_cell, plain_rate_cell, rate_cell
from .forms import text_in
from .models import Response


@dataclass
class Period:
    start: date
    end: date


def _rows(period: Period) -> list[dict]:
    return list(Response.objects.filter(service_date__range=(period.start, period.end)).values(
        "service_date", "channel", "counters", "answers", "comment", "wait_minutes", "handling_minutes",
        "prefilled", "appointment", "preapplication", "submitted_at"))


def _questions(role: str) -> list[dict]:
    version = selectors.current_version()
    if version is None:
        return []
    return [q for q in version.definition["questions"] if q.get("role") == role]


def _options(role: str) -> list[tuple[str, str]]:
    found = _questions(role)
    return [(o["code"], text_in(o["label"])) for o in found[0]["options"]] if found else []


def _service_label(question: dict) -> str:
    return text_in(question.get("short") or question["label"])


def _response_rate_tables(period: Period, rows: list[dict]) -> list[Table]:
    done = Visit.objects.filter(status=Visit.Status.DONE, service_date__range=(period.start, period.end))
    by_day = dict(done.values_list("service_date").annotate(n=Count("id")))
    by_channel = dict(done.values_list("channel").annotate(n=Count("id")))
    by_counter = dict(Step.objects.filter(status=Step.Status.DONE, visit__in=done).values_list("counter__code")
                      .annotate(n=Count("visit", distinct=True)))
    answered_day, answered_channel, answered_counter = defaultdict(int), defaultdict(int), defaultdict(int)
    for row in rows:
        answered_day[row["service_date"]] += 1
        answered_channel[row["channel"]] += 1
        for code in row["counters"]:
            answered_counter[code] += 1
    columns = [Column(_("Finished visits"), True), Column(_("Responses"), True), Column(_("Response rate"), True)]

    def line(label, visits, answered):
        return [label, visits, count_cell(answered), plain_rate_cell(answered, visits, responses=answered)]

    channels = dict(Visit._meta.get_field("channel").choices)
    counters = {c.code: c.name for c in Counter.objects.all()}
    total_visits = sum(by_day.values())
    return [
        Table("response_rate", _("Response rate (responses ÷ finished visits)"),
              [Column(_("Period")), *columns], [line(f"{period.start} – {period.end}", total_visits, len(rows))]),
        Table("response_rate_day", _("Response rate per day"), [Column(_("Day")), *columns],
              [line(day, by_day.get(day, 0), answered_day.get(day, 0))
               for day in sorted(set(by_day) | set(answered_day))]),
        Table("response_rate_channel", _("Response rate per channel"), [Column(_("Channel")), *columns],
              [line(str(channels.get(code, code)), by_channel.get(code, 0), answered_channel.get(code, 0))
               for code in sorted(set(by_channel) | set(answered_channel))]),
        Table("response_rate_counter", _("Response rate per counter"), [Column(_("Counter")), *columns],
              [line(counters.get(code, code), by_counter.get(code, 0), answered_counter.get(code, 0))
               for code in sorted(set(by_counter) | set(answered_counter))]),
    ]


def _awareness_row(label, group_label, answers, question) -> list:
    found = analysis.awareness(answers, question)
    return [label, group_label, count_cell(found.n), rate_cell(found.known, found.n), rate_cell(found.used, found.n)]


def _awareness_tables(rows: list[dict]) -> list[Table]:
    services = _questions("awareness")
    answers = [r["answers"] for r in rows]
    columns = [Column(_("Service")), Column(_("Group")), Column(_("Responses"), True),
               Column(_("Knew it (95% CI)"), True), Column(_("Used it (95% CI)"), True)]
    everyone = [_awareness_row(_service_label(q), _("Everyone"), answers, q["code"]) for q in services]
    tables = [Table("awareness", _("Awareness and use of the digital services (95% CI)"),
                    columns, everyone)]
    for key, role, caption in (
        ("awareness_age", "age_band", _("Awareness and use by age band")),
        ("awareness_smartphone", "smartphone", _("Awareness and use by smartphone use (the digital divide)")),
    ):
        question = _questions(role)
        code = question[0]["code"] if question else role
        table_rows = []
        for service in services:
            for option, label in _options(role):
                group = [a for a in answers if a.get(code) == option]
                table_rows.append(_awareness_row(_service_label(service), label, group, service["code"]))
        tables.append(Table(key, caption, columns, table_rows))
    months: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        months[row["service_date"].strftime("%Y-%m")].append(row["answers"])
    tables.append(Table("awareness_month", _("Awareness and use by month"),
                        [Column(_("Service")), Column(_("Month")), *columns[2:]],
                        [_awareness_row(_service_label(s), month, months[month], s["code"])
                         for s in services for month in sorted(months)]))
    return tables


def _satisfaction_tables(rows: list[dict]) -> list[Table]:
    question = _questions("satisfaction")
    code = question[0]["code"] if question else "satisfaction"
    rated = [r for r in rows if isinstance(r["answers"].get(code), int)]
    columns = [Column(_("Responses"), True), Column(_("Mean satisfaction (1–5)"), True),
               Column(_("Mean actual wait (min)"), True), Column(_("Mean actual handling (min)"), True)]

    def cells(group: list[dict]) -> list:
        return [count_cell(len(group)), mean_cell(r["answers"][code] for r in group),
                mean_cell(r["wait_minutes"] for r in group), mean_cell(r["handling_minutes"] for r in group)]

    bands = []
    for low, high in analysis.WAIT_BANDS:
        group = [r for r in rated if analysis.wait_band(r["wait_minutes"]) == (low, high)]
        if high:
            label = _("%(low)d–%(high)d min") % {"low": low, "high": high}
        else:
            label = _("%(low)d min or more") % {"low": low}
        bands.append([label, *cells(group)])
    factors = []
    for key, label in (("prefilled", _("No-writing counter (forms pre-filled)")),
                       ("appointment", _("Appointment")), ("preapplication", _("Pre-application"))):
        for flag, flag_label in ((True, _("with")), (False, _("without"))):
            factors.append([label, flag_label, *cells([r for r in rated if r[key] is flag])])
    return [
        Table("satisfaction_wait", _("Satisfaction against the actual wait (from the counters' events)"),
              [Column(_("Actual wait")), *columns], bands),
        Table("satisfaction_services", _("Satisfaction with and without the digital services"),
              [Column(_("Service")), Column(_("With or without")), *columns], factors),
    ]


def _comment_tables(rows: list[dict]) -> list[Table]:
    comments = [r for r in rows if r["comment"]]
    words = analysis.word_frequencies(r["comment"] for r in comments)
    return [
        Table("comment_words", _("Words in the comments (comments using each word)"),
              [Column(_("Word")), Column(_("Comments"), True)],
              [[word, count] for word, count in words if count >= analysis.MIN_CELL],
              empty=_("No word is used in five comments or more.")),
        Table("comments", _("Comments (phone numbers, e-mail addresses and 12-digit numbers masked)"),
              [Column(_("Visit date")), Column(_("Comment"))],
              [[r["service_date"], r["comment"]] for r in sorted(comments, key=lambda r: r["submitted_at"],
                                                                     reverse=True)[:100]]),
    ]


def survey_tables(period: Period) -> list[Table]:
    rows = _rows(period)
    return [*_response_rate_tables(period, rows), *_awareness_tables(rows), *_satisfaction_tables(rows),
            *_comment_tables(rows)]


__all__ = ["HIDDEN", "Period", "survey_tables"]
