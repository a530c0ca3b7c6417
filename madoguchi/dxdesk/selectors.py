"""Reads of the help desk: consultations a user may see, the measurements due, the dashboard."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from madoguchi.core.roles import Capability, Role
from madoguchi.talent.fiscal import fiscal_quarter_of
from madoguchi.talent.models import Section

from .models import Consultation, HelpKind, Status


def is_desk(user) -> bool:
    return user.can(Capability.DX_DESK_WORK)


def consultations_for(user, *, status: str = "", section: int | None = None, kind: str = "",
                      origin: str = "") -> QuerySet[Consultation]:
    """The desk sees every consultation; anyone else the ones they filed."""
    rows = Consultation.objects.select_related("section", "filed_by", "assignee")
    if not is_desk(user):
        rows = rows.filter(filed_by=user)
    if status:
        rows = rows.filter(status=status)
    if section:
        rows = rows.filter(section_id=section)
    if kind:
        rows = rows.filter(help_kind=kind)
    if origin:
        rows = rows.filter(origin=origin)
    return rows


def consultation_get(pk: int) -> Consultation | None:
    return Consultation.objects.select_related("section", "filed_by", "assignee").filter(pk=pk).first()


def may_view(user, consultation: Consultation) -> bool:
    return is_desk(user) or consultation.filed_by_id == user.pk


def measurements_due(today: date | None = None) -> QuerySet[Consultation]:
    today = today or timezone.localdate()
    return Consultation.objects.filter(status=Status.DELIVERED, measure_due_on__lte=today).select_related(
        "section").order_by("measure_due_on")


def measurements_due_unreminded(today: date | None = None) -> list[Consultation]:
    return list(measurements_due(today).filter(measure_reminded_at__isnull=True))


def desk_emails() -> list[str]:
    return sorted({email for email in get_user_model().objects.filter(
        role=Role.DX_DESK, is_active=True).exclude(email="").values_list("email", flat=True)})


def desk_members() -> QuerySet:
    return get_user_model().objects.filter(role=Role.DX_DESK, is_active=True).order_by("username")


# --- the dashboard --------------------------------------------------------------------------------


@dataclass
class Tally:
    """Consultations of one group and the hours they saved."""

    consultations: int = 0
    open: int = 0
    delivered: int = 0  # delivered or measured
    measured: int = 0
    declined: int = 0
    expected_hours: Decimal = Decimal("0")
    measured_hours: Decimal = Decimal("0")

    def add(self, c: Consultation) -> None:
        self.consultations += 1
        self.open += c.status in (Status.RECEIVED, Status.ANALYSING, Status.BUILDING)
        self.delivered += c.status in (Status.DELIVERED, Status.MEASURED)
        self.measured += c.status == Status.MEASURED
        self.declined += c.status == Status.DECLINED
        if c.status in (Status.DELIVERED, Status.MEASURED) and c.expected_hours_per_year is not None:
            self.expected_hours += c.expected_hours_per_year
        if c.status == Status.MEASURED and c.measured_hours_per_year is not None:
            self.measured_hours += c.measured_hours_per_year


@dataclass
class Dashboard:
    total: Tally = field(default_factory=Tally)
    counter: Tally = field(default_factory=Tally)  # the sections of the one-stop counter
    other: Tally = field(default_factory=Tally)
    by_section: list[tuple[Section, Tally]] = field(default_factory=list)
    by_kind: list[tuple[str, Tally]] = field(default_factory=list)
    by_quarter: list[tuple[tuple[int, int], Tally, Tally]] = field(default_factory=list)  # (fy, q), counter, other
    counter_sections: int = 0
    other_sections: int = 0


def dashboard(*, fiscal_year: int | None = None) -> Dashboard:
    """Consultations and hours saved by section (counter sections first), kind and fiscal quarter.
    Every active section is listed, also those that never asked: that is the audit's finding."""
    rows = Consultation.objects.select_related("section")
    out = Dashboard()
    sections: dict[int, Tally] = {s.pk: Tally() for s in Section.objects.filter(active=True)}
    section_rows = {s.pk: s for s in Section.objects.all()}
    kinds: dict[str, Tally] = {kind: Tally() for kind in HelpKind.values}
    quarters: dict[tuple[int, int], tuple[Tally, Tally]] = {}
    for consultation in rows:
        day = timezone.localtime(consultation.filed_at).date()
        quarter = fiscal_quarter_of(day)
        if fiscal_year is not None and quarter[0] != fiscal_year:
            continue
        counter = consultation.section.is_counter
        out.total.add(consultation)
        (out.counter if counter else out.other).add(consultation)
        sections.setdefault(consultation.section_id, Tally()).add(consultation)
        kinds[consultation.help_kind].add(consultation)
        pair = quarters.setdefault(quarter, (Tally(), Tally()))
        pair[0 if counter else 1].add(consultation)
    ordered = sorted(sections.items(), key=lambda item: (not section_rows[item[0]].is_counter,
                                                         -item[1].consultations, section_rows[item[0]].name))
    out.by_section = [(section_rows[pk], tally) for pk, tally in ordered]
    out.counter_sections = sum(1 for s, _ in out.by_section if s.is_counter)
    out.other_sections = len(out.by_section) - out.counter_sections
    out.by_kind = [(kind, tally) for kind, tally in kinds.items()]
    out.by_quarter = [(quarter, *quarters[quarter]) for quarter in sorted(quarters)]
    return out


def fiscal_years() -> list[int]:
    years = {fiscal_quarter_of(timezone.localtime(at).date())[0]
             for at in Consultation.objects.values_list("filed_at", flat=True)}
    return sorted(years, reverse=True)


def per_section_counts() -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for section_id in Consultation.objects.values_list("section_id", flat=True):
        out[section_id] += 1
    return dict(out)
