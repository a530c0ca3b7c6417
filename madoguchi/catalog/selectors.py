import re
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.utils import translation

from .models import Counter, Department, EligibilityRule, LifeEvent, Procedure, Site
from .schema import CODE_PATTERN
from .translations import text_in

_CODE = re.compile(CODE_PATTERN)
CODE_MAX = 64


def procedure_list(*, active_only: bool = True) -> QuerySet[Procedure]:
    procedures = Procedure.objects.select_related("department").prefetch_related(
        Prefetch("counters", queryset=Counter.objects.select_related("site")), "prerequisites"
    )
    return procedures.filter(active=True) if active_only else procedures


def active_procedure_codes() -> list[str]:
    """Active procedure codes in the catalogue's order (the order forms and routes list them)."""
    return list(Procedure.objects.filter(active=True).values_list("code", flat=True))


def counter_list(*, active_only: bool = True) -> QuerySet[Counter]:
    counters = Counter.objects.select_related("site", "department")
    return counters.filter(active=True) if active_only else counters


def life_event_list() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.filter(active=True)


def is_code(text) -> bool:
    """Whether ``text`` can be a catalogue code at all (checked before it reaches a query: a code typed
    or posted may be anything, a NUL byte included)."""
    return isinstance(text, str) and len(text) <= CODE_MAX and _CODE.match(text) is not None


def life_event_by_code(code: str | None) -> LifeEvent | None:
    return LifeEvent.objects.filter(code=code, active=True).first() if is_code(code) else None


def site_list() -> QuerySet[Site]:
    return Site.objects.filter(active=True)


def active_sites() -> dict[str, Site]:
    """The active sites by code, in the catalogue's order (each process keeps a copy as long as the routing
    index: every registration names its site)."""
    sites = cache.get(SITES_KEY)
    if sites is None:
        sites = {site.code: site for site in Site.objects.filter(active=True)}
        cache.set(SITES_KEY, sites, ROUTING_INDEX_SECONDS)
    return sites


def site_or_main(code: str | None = None) -> Site | None:
    """The active site ``code`` names, else the main office (what a screen without a choice shows)."""
    sites = active_sites()
    site = sites.get(code) if is_code(code) else None
    return site or next((s for s in sites.values() if s.kind == Site.Kind.MAIN), None)


def kiosk_procedures() -> QuerySet[Procedure]:
    """What the kiosk offers alone, without a life event (the catalogue's ``kiosk_direct``)."""
    return Procedure.objects.filter(active=True, kiosk_direct=True)


def departments_with_procedures() -> list[tuple[Department, list[Procedure]]]:
    by_department: dict[int, list[Procedure]] = {}
    for procedure in procedure_list():
        by_department.setdefault(procedure.department_id, []).append(procedure)
    return [(d, by_department.get(d.pk, [])) for d in Department.objects.filter(active=True)]


@dataclass(frozen=True)
class RuleSummary:
    """One navigator rule as a ward reviewing its rules reads it: when, why, and where it comes from."""

    procedure: str  # the procedure's name
    events: tuple[str, ...]  # life event names
    required: bool
    reason: str  # in the current language, with {member} left as written
    source: tuple[tuple[str, bool], ...]  # the source's pieces: (text, is a web address)
    checked: date | None


_URL = re.compile(r"(https?://[^\s、，,]+)")


def _source_pieces(source: str) -> tuple[tuple[str, bool], ...]:
    """A source such as "戸籍法 第120条の2、https://www.moj.go.jp/…" as text and web addresses."""
    return tuple((piece, bool(_URL.fullmatch(piece))) for piece in _URL.split(source) if piece)


def rules_by_department() -> dict[int, list[RuleSummary]]:
    """The active procedures' navigator rules, in the catalogue's order, by department id."""
    event_names = {event.code: event.name for event in LifeEvent.objects.filter(active=True)}
    found: dict[int, list[RuleSummary]] = {}
    for rule in EligibilityRule.objects.filter(procedure__active=True).select_related("procedure").order_by(
        "procedure__sort_order", "position"
    ):
        definition = rule.definition
        source = definition.get("source", "")
        checked = definition.get("checked")
        found.setdefault(rule.procedure.department_id, []).append(RuleSummary(
            procedure=rule.procedure.name,
            events=tuple(event_names.get(code, code) for code in definition["events"]),
            required=definition.get("required", True),
            reason=text_in(translation.get_language(), ja=definition["reason"].get("ja", ""),
                           en=definition["reason"].get("en", "")),  # a staff page: no easy wording
            source=_source_pieces(source),
            checked=date.fromisoformat(checked) if checked else None,
        ))
    return found


@dataclass(frozen=True)
class CounterInfo:
    id: int
    code: str
    site_id: int
    desks: int
    is_cashier: bool = False
    name_ja: str = ""  # what the visitor is shown: the registration's answer is built from these
    floor: int = 0
    number: str = ""


@dataclass(frozen=True)
class ProcedureInfo:
    """What routing needs of a procedure, as plain data."""

    id: int
    code: str
    counters: tuple[CounterInfo, ...]  # active counters serving it, in catalogue order
    prerequisites: frozenset[str]
    paid_at_cashier: bool = False


# Registration reads the catalogue on every visit; the catalogue changes a few times a year. Each
# process keeps this plain copy for a minute, so a catalogue load reaches routing within a minute (at once
# in the process that loads it: catalog_apply drops these keys).
ROUTING_INDEX_SECONDS = 60
ROUTING_INDEX_KEY = "catalog:routing_index"
CASHIERS_KEY = "catalog:cashier_counters"
SITES_KEY = "catalog:sites"


def routing_index() -> dict[str, ProcedureInfo]:
    """Every active procedure by code, with its counters and prerequisites (cached per process)."""
    index = cache.get(ROUTING_INDEX_KEY)
    if index is not None:
        return index
    counters = {c.pk: CounterInfo(c.pk, c.code, c.site_id, c.desks, c.is_cashier, c.name_ja, c.floor, c.number)
                for c in Counter.objects.filter(active=True).order_by("id")}
    served: dict[int, list[CounterInfo]] = {}
    for procedure_id, counter_id in Procedure.counters.through.objects.order_by("id").values_list(
        "procedure_id", "counter_id"
    ):
        if counter_id in counters:
            served.setdefault(procedure_id, []).append(counters[counter_id])
    codes = dict(Procedure.objects.values_list("id", "code"))
    prerequisites: dict[int, set[str]] = {}
    for from_id, to_id in Procedure.prerequisites.through.objects.values_list("from_procedure_id", "to_procedure_id"):
        prerequisites.setdefault(from_id, set()).add(codes[to_id])
    index = {
        code: ProcedureInfo(pk, code, tuple(served.get(pk, ())), frozenset(prerequisites.get(pk, ())), at_cashier)
        for pk, code, at_cashier in Procedure.objects.filter(active=True).values_list("id", "code", "paid_at_cashier")
    }
    cache.set(ROUTING_INDEX_KEY, index, ROUTING_INDEX_SECONDS)
    return index


def cashier_counters() -> dict[int, CounterInfo]:
    """The active cashier counter (会計窓口) of each site that has one, by site id (cached with routing)."""
    cashiers = cache.get(CASHIERS_KEY)
    if cashiers is None:
        cashiers = {c.site_id: CounterInfo(c.pk, c.code, c.site_id, c.desks, True, c.name_ja, c.floor, c.number)
                    for c in Counter.objects.filter(active=True, is_cashier=True).order_by("id")}
        cache.set(CASHIERS_KEY, cashiers, ROUTING_INDEX_SECONDS)
    return cashiers
@dataclass(frozen=True)
class FloorGuideCounter:
    counter: Counter
    procedures: list[Procedure]


def floor_guide() -> list[tuple[Site, list[tuple[int, list[FloorGuideCounter]]]]]:
    """Every active site with its floors (lowest first) and on each floor its counters with what is
    done there: the public floor guide."""
    procedures: dict[int, list[Procedure]] = {}
    for procedure in Procedure.objects.filter(active=True).prefetch_related("counters"):
        for counter in procedure.counters.all():
            procedures.setdefault(counter.pk, []).append(procedure)
    sites: dict[int, dict[int, list[FloorGuideCounter]]] = {}
    for counter in counter_list().filter(site__active=True).order_by("site__sort_order", "floor", "number"):
        floors = sites.setdefault(counter.site_id, {})
        floors.setdefault(counter.floor, []).append(FloorGuideCounter(counter, procedures.get(counter.pk, [])))
    return [(site, sorted(sites[site.pk].items())) for site in site_list() if site.pk in sites]
