"""Reads for the navigator: the rule book from the catalogue, and what a resident needs to know of
each procedure (counter and floor, documents, fee, deadline, online route) in their language."""

import threading
import time
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from madoguchi.catalog.models import Counter, EligibilityRule, LifeEvent, Procedure, Relation, Site
from madoguchi.catalog.services import catalog_version

from . import wording
from .rules import EventTerms, Finding, ProcedureTerms, Reason, RuleBook, Texts

# Reading the rules and the procedures' details takes longer than evaluating them: each process keeps
# what it read for the current catalogue version (a load changes it) and reads again at the latest
# after this long (an edit in the admin, or a load in another process).
CATALOG_COPY_SECONDS = 60


class _CatalogCopy:
    """One value read from the catalogue, kept per process while the catalogue's version holds."""

    def __init__(self, read):
        self._read = read
        self._lock = threading.Lock()
        self._held: tuple[str | None, float, object] | None = None

    def get(self):
        version, now = catalog_version(), time.monotonic()
        held = self._held
        if held is not None and held[0] == version and now - held[1] < CATALOG_COPY_SECONDS:
            return held[2]
        value = self._read()
        with self._lock:
            self._held = (version, now, value)
        return value


def navigator_rulebook() -> RuleBook:
    """The rules of the active catalogue, ready for the engine."""
    return _rulebook_copy.get()


def _build_rulebook() -> RuleBook:
    definitions = [
        {"procedure": code, **definition}
        for code, definition in EligibilityRule.objects.filter(procedure__active=True)
        .order_by("position").values_list("procedure__code", "definition")
    ]
    relations = {
        r.code: Texts(r.name_ja, r.name_en, r.name_easy)
        for r in Relation.objects.filter(active=True)
    }
    procedures = {
        code: ProcedureTerms(days, counts_event_day)
        for code, days, counts_event_day in Procedure.objects.filter(active=True)
        .order_by("sort_order", "code").values_list("code", "deadline_days", "deadline_counts_event_day")
    }
    events = {
        code: EventTerms(tuple(asks), marks)
        for code, asks, marks in LifeEvent.objects.filter(active=True).values_list("code", "asks", "marks")
    }
    return RuleBook.build(definitions, relations, procedures, events)


_rulebook_copy = _CatalogCopy(_build_rulebook)


def navigator_life_events(book: RuleBook) -> list[LifeEvent]:
    """The active life events the navigator has rules for, in the catalogue's order."""
    return list(LifeEvent.objects.filter(active=True, code__in=book.life_events))


def navigator_life_event_list(codes: list[str], book: RuleBook) -> list[LifeEvent] | None:
    """These life events in the catalogue's order (each once), or None if one is unknown or has no rules."""
    if not codes or any(code not in book.life_events for code in codes):
        return None
    events = list(LifeEvent.objects.filter(active=True, code__in=codes))
    return events if len(events) == len(set(codes)) else None


def _in(language: str, ja: str, en: str, easy: str = "") -> str:
    return Texts(ja, en, easy).in_language(language)


@dataclass(frozen=True)
class CounterPlace:
    code: str
    name: str
    site: str
    floor: int
    number: str


@dataclass(frozen=True)
class ProcedureCard:
    """One procedure of a navigator result, in one language."""

    code: str
    name: str
    required: bool
    reasons: tuple[str, ...]
    department_code: str
    department: str
    counter: CounterPlace | None  # the first at the main office, where the one-stop counter is
    counters: tuple[CounterPlace, ...]  # every counter at the main office
    branch_sites: tuple[str, ...]  # branch offices that also do it
    documents: tuple[str, ...]
    fee_yen: int
    fee_note: str
    deadline: date | None
    online_url: str


def _place(counter: Counter, language: str) -> CounterPlace:
    return CounterPlace(
        code=counter.code, name=_in(language, counter.name_ja, counter.name_en, counter.name_easy),
        site=_in(language, counter.site.name_ja, counter.site.name_en, counter.site.name_easy),
        floor=counter.floor, number=counter.number,
    )


def reason_text(reason: Reason | Texts, language: str) -> str:
    """A reason in ``language``, followed by what it assumed where the age alone could not tell."""
    text = reason.in_language(language)
    for assumption in getattr(reason, "assumed", ()):
        note = wording.ASSUMPTION_NOTES.get((assumption.fact, assumption.value))
        if note is not None:
            text += " " + str(note) % {"member": assumption.member.in_language(language)}
    return text


def _read_procedures() -> dict[str, Procedure]:
    counters = Counter.objects.filter(active=True).select_related("site").order_by(
        "site__sort_order", "floor", "number"
    )
    return {
        p.code: p
        for p in Procedure.objects.filter(active=True).select_related("department")
        .prefetch_related(Prefetch("counters", queryset=counters))
    }


_procedures_copy = _CatalogCopy(_read_procedures)


def procedure_cards(*, findings: list[Finding], language: str) -> list[ProcedureCard]:
    """The findings with each procedure's practical details, in ``language`` (ja, en or ja-easy)."""
    procedures = _procedures_copy.get()
    cards = []
    for finding in findings:
        procedure = procedures.get(finding.code)
        if procedure is None:
            continue
        places = sorted(procedure.counters.all(), key=lambda c: c.site.kind != Site.Kind.MAIN)
        main = [_place(c, language) for c in places if c.site.kind == Site.Kind.MAIN]
        branches = [_place(c, language).site for c in places if c.site.kind != Site.Kind.MAIN]
        department = procedure.department
        cards.append(ProcedureCard(
            code=procedure.code,
            name=_in(language, procedure.name_ja, procedure.name_en, procedure.name_easy),
            required=finding.required,
            reasons=tuple(reason_text(reason, language) for reason in finding.reasons),
            department_code=department.code,
            department=_in(language, department.name_ja, department.name_en, department.name_easy),
            counter=main[0] if main else (_place(places[0], language) if places else None),
            counters=tuple(main),
            branch_sites=tuple(dict.fromkeys(branches)),
            documents=tuple(_in(language, d.get("ja", ""), d.get("en", ""), d.get("easy", ""))
                            for d in procedure.documents),
            fee_yen=procedure.fee_yen,
            fee_note=_in(language, procedure.fee_note.get("ja", ""), procedure.fee_note.get("en", ""),
                         procedure.fee_note.get("easy", "")) if procedure.fee_note else "",
            deadline=finding.deadline,
            online_url=procedure.online_url,
        ))
    return cards
