"""The talent pages' tables, shown and exported (CSV/XLSX) with the same rows — hidden figures too."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from madoguchi.core.tables import Column, Link, Table

from . import gap


def _percent(value: float | None):
    return "" if value is None else f"{round(value * 100)}%"


def staff(members, roles, levels: dict, fiscal_year: int) -> Table:
    def level(member, role):
        own, confirmed = levels.get(member.pk, {}).get(role.code, (0, None))
        if confirmed is not None:
            return confirmed
        return _("%(level)d (unconfirmed)") % {"level": own} if own else ""

    return Table(
        key="staff", caption=_("Staff and their confirmed levels, FY%(year)d") % {"year": fiscal_year},
        empty=_("No staff in this section."),
        columns=[Column(_("Employee number")), Column(_("Name")), Column(_("Grade")),
                 *[Column(role.name, numeric=True) for role in roles]],
        rows=[[member.employee_number, Link(member.name, reverse("talent:member", args=[member.pk])),
               member.grade.name, *[level(member, role) for role in roles]] for member in members])


def trainings(records) -> Table:
    return Table(key="trainings", caption=_("Training taken"), empty=_("No training recorded."),
                 columns=[Column(_("Date")), Column(_("Course")), Column(_("Role")), Column(_("Hours"), numeric=True)],
                 rows=[[r.taken_on, r.course, r.role.name if r.role else "", r.hours] for r in records])


def qualifications(records) -> Table:
    return Table(key="qualifications", caption=_("Qualifications"), empty=_("No qualification recorded."),
                 columns=[Column(_("Qualification")), Column(_("Obtained on"))],
                 rows=[[r.qualification.name, r.obtained_on] for r in records])


def assessments(lines) -> Table:
    return Table(key="assessments", caption=_("Levels"),
                 columns=[Column(_("Role")), Column(_("Self-assessed")), Column(_("Confirmed")),
                          Column(_("Confirmed by"))],
                 rows=[[line.role.name,
                        f"{line.self_level} {line.level_name(line.self_level)}" if line.self_level else "",
                        (f"{line.confirmed_level} {line.level_name(line.confirmed_level)}"
                         if line.confirmed_level else (_("waiting for the supervisor") if line.pending else "")),
                        str(line.assessment.confirmed_by) if line.assessment and line.assessment.confirmed_by else ""]
                       for line in lines])


def targets(rows, names) -> Table:
    return Table(key="targets", caption=_("Targets"), empty=_("No targets for this year yet."),
                 columns=[Column(_("Section")), Column(_("Grade")), Column(_("Role")), Column(_("Level (or above)")),
                          Column(_("Staff wanted"), numeric=True)],
                 rows=[[names.section(t.section_id), names.grade(t.grade_id), t.role.name,
                        names.level(t.role.code, t.level), t.headcount] for t in rows])


def _figures(result, exact: bool) -> list:
    hide = result.suppressed
    return [gap.shown(result.actual, suppressed=hide, exact=exact),
            gap.shown(result.shortfall, suppressed=hide, exact=exact),
            gap.shown(_percent(result.achievement), suppressed=hide, exact=exact)]


FIGURE_COLUMNS = [Column(_("Confirmed actual"), numeric=True), Column(_("Shortfall"), numeric=True),
                  Column(_("Achieved"), numeric=True)]


def gap_targets(figures, names, exact: bool) -> Table:
    return Table(
        key="gap", caption=_("Target against confirmed actual, FY%(year)d") % {"year": figures.fiscal_year},
        empty=_("No targets for this year yet."),
        columns=[Column(_("Section")), Column(_("Grade")), Column(_("Role")), Column(_("Level (or above)")),
                 Column(_("Target"), numeric=True), *FIGURE_COLUMNS],
        rows=[[names.section(r.target.section), names.grade(r.target.grade), names.role(r.target.role),
               names.level(r.target.role, r.target.level), r.target.headcount, *_figures(r, exact)]
              for r in figures.results])


def _group(key, caption, label, groups, exact: bool) -> Table:
    return Table(key=key, caption=caption, empty=_("No targets for this year yet."),
                 columns=[Column(label), Column(_("Targets"), numeric=True), Column(_("Staff wanted"), numeric=True),
                          *FIGURE_COLUMNS],
                 rows=[[name, g.targets, g.headcount, gap.shown(g.actual, suppressed=g.suppressed, exact=exact),
                        gap.shown(g.shortfall, suppressed=g.suppressed, exact=exact),
                        gap.shown(_percent(g.achievement), suppressed=g.suppressed, exact=exact)]
                       for name, g in groups])


def gap_by_section(figures, names, exact: bool) -> Table:
    return _group("by_section", _("By section"), _("Section"),
                  [(names.section(g.key), g) for g in figures.by_section()], exact)


def gap_by_grade(figures, names, exact: bool) -> Table:
    return _group("by_grade", _("By grade"), _("Grade"), [(names.grade(g.key), g) for g in figures.by_grade()], exact)


def trend(years: list, names, exact: bool) -> Table:
    rows = []
    for figures in years:
        for g in figures.by_role():
            role, level = g.key
            rows.append([_("FY%(year)d") % {"year": figures.fiscal_year},
                         _("closed") if figures.closed else _("open"), names.role(role), names.level(role, level),
                         g.headcount, gap.shown(g.actual, suppressed=g.suppressed, exact=exact),
                         gap.shown(g.shortfall, suppressed=g.suppressed, exact=exact),
                         gap.shown(_percent(g.achievement), suppressed=g.suppressed, exact=exact)])
    return Table(key="trend", caption=_("Trend over the fiscal years, by role and level"),
                 empty=_("No targets yet."),
                 columns=[Column(_("Fiscal year")), Column(_("Figures")), Column(_("Role")),
                          Column(_("Level (or above)")), Column(_("Staff wanted"), numeric=True), *FIGURE_COLUMNS],
                 rows=rows)


def framework_roles(roles) -> Table:
    rows = []
    for role in roles:
        for level in role.levels.all():
            rows.append([role.name, _("every employee") if role.everyone else "", f"{level.level} {level.name}",
                         level.description])
    return Table(key="roles", caption=_("Roles and levels"),
                 columns=[Column(_("Role")), Column(_("Expected of")), Column(_("Level")), Column(_("What it means"))],
                 rows=rows)


def framework_grades(grades) -> Table:
    return Table(key="grades", caption=_("Job grades"),
                 columns=[Column(_("Grade")), Column(_("Also written"))],
                 rows=[[g.name, "、".join(g.aliases)] for g in grades])


def framework_qualifications(qualifications, role_names: dict) -> Table:
    return Table(key="qualifications", caption=_("Qualifications"),
                 columns=[Column(_("Qualification")), Column(_("Evidence for"))],
                 rows=[[q.name, "、".join(str(role_names.get(code, code)) for code in q.roles)]
                       for q in qualifications])
