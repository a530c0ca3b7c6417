"""Writes to the catalogue. ``catalog_load`` is all-or-nothing: a broken file changes nothing."""

import uuid
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.cache import cache
from django.db import models, transaction

from madoguchi.audit import services as audit

from . import selectors
from .models import (
    Counter,
    Department,
    EligibilityRule,
    FeeExemption,
    FeeItem,
    LifeEvent,
    Procedure,
    Relation,
    RevenueItem,
    Site,
    Survey,
    SurveyVersion,
    WardDay,
)
from .schema import CatalogData, CatalogInvalid, Entry, RuleEntry, parse_catalog
from .surveys import SurveyData, SurveysInvalid, read_surveys
from .yamlsource import read_yaml_directory

# Readers that keep a copy of the catalogue (the navigator's rule book) compare this version with the
# one they copied; a load that changes something gives a new one. Other processes with their own
# cache see the change when their copy expires.
CATALOG_VERSION_KEY = "catalog:version"


def catalog_version() -> str | None:
    return cache.get(CATALOG_VERSION_KEY)


@dataclass
class LoadResult:
    counts: dict[str, int]
    changes: int


def catalog_read(*, directory: Path) -> CatalogData:
    """Parse and check every ``*.yaml`` in ``directory``. Raises ``CatalogInvalid``."""
    sources, problems = read_yaml_directory(directory)
    if problems:
        raise CatalogInvalid(problems)
    return parse_catalog(sources)


class _Upserter:
    """Create or update rows by code, counting only real changes (a second load changes nothing)."""

    def __init__(self):
        self.changes = 0

    def row(self, model: type[models.Model], entry: Entry, **fields) -> models.Model:
        values = {
            "name_ja": entry.name_ja, "name_en": entry.name_en, "name_easy": entry.name_easy,
            "active": True, **fields,
        }
        instance = model.objects.filter(code=entry.code).first()
        if instance is None:
            self.changes += 1
            return model.objects.create(code=entry.code, **values)
        changed = [name for name, value in values.items() if getattr(instance, name) != value]
        if changed:
            for name in changed:
                setattr(instance, name, values[name])
            instance.save(update_fields=changed)
            self.changes += 1
        return instance

    def relation(self, manager, targets: list[models.Model], *, ordered: bool = False) -> None:
        """Make ``manager`` hold ``targets``. ``ordered``: their order means something (a procedure's
        counters, in preference order, which routing reads in the rows' order), so the rows are
        written in it — ``set()`` adds them in the order of a Python set, which varies with the ids."""
        through = manager.through
        source, target = f"{manager.source_field_name}_id", f"{manager.target_field_name}_id"
        current = list(through.objects.filter(**{source: manager.instance.pk}).order_by("id")
                       .values_list(target, flat=True))
        wanted = [t.pk for t in targets]
        if (current == wanted) if ordered else (set(current) == set(wanted)):
            return
        if ordered:
            manager.clear()
            through.objects.bulk_create([through(**{source: manager.instance.pk, target: pk}) for pk in wanted])
        else:
            manager.set(targets)
        self.changes += 1

    def rules(self, entries: list[RuleEntry], procedures: dict[str, Procedure]) -> None:
        """Rules have no code of their own and nothing refers to them: when any differs, the whole
        list is replaced (one change)."""
        wanted = [(procedures[e.procedure].pk, e.definition()) for e in entries]
        current = list(EligibilityRule.objects.order_by("position").values_list("procedure_id", "definition"))
        if current != wanted:
            EligibilityRule.objects.all().delete()
            EligibilityRule.objects.bulk_create(
                EligibilityRule(procedure_id=procedure_id, position=i, definition=definition)
                for i, (procedure_id, definition) in enumerate(wanted)
            )
            self.changes += 1

    def deactivate_missing(self, model: type[models.Model], codes: set[str]) -> None:
        self.changes += model.objects.filter(active=True).exclude(code__in=codes).update(active=False)


def _apply_surveys(up: _Upserter, surveys: list[SurveyData]) -> None:
    """A survey whose definition differs from its latest version gets a new version (number + 1);
    the same definition loaded again changes nothing."""
    for item in surveys:
        survey, created = Survey.objects.get_or_create(code=item.entry.code)
        if created or not survey.active:
            if not survey.active:
                survey.active = True
                survey.save(update_fields=["active"])
            up.changes += 1
        latest = survey.current_version()
        digest = item.entry.digest()
        if latest is None or latest.digest != digest:
            SurveyVersion.objects.create(survey=survey, number=(latest.number + 1) if latest else 1, digest=digest,
                                         definition=item.entry.definition())
            up.changes += 1
    up.changes += Survey.objects.filter(active=True).exclude(code__in=[s.entry.code for s in surveys]) \
        .update(active=False)


@transaction.atomic
def catalog_apply(*, data: CatalogData, source: str, surveys: list[SurveyData] | None = None) -> LoadResult:
    """Apply a checked catalogue; ``surveys`` (``catalog/surveys/*.yaml``) when given, else they stay."""
    up = _Upserter()
    sites = {
        e.code: up.row(Site, e, kind=e.kind, address_ja=e.address_ja, sort_order=i)
        for i, e in enumerate(data.sites)
    }
    departments = {e.code: up.row(Department, e) for e in data.departments}
    counters = {
        e.code: up.row(Counter, e, site=sites[e.site], department=departments[e.department],
                       floor=e.floor, number=e.number, desks=e.desks, is_cashier=e.cashier)
        for e in data.counters
    }
    procedures = {}
    for i, e in enumerate(data.procedures):
        procedures[e.code] = up.row(
            Procedure, e, department=departments[e.department], handling_minutes=e.handling_minutes,
            fee_yen=e.fee_yen, documents=[d.model_dump() for d in e.documents],
            deadline_days=e.deadline_days, deadline_counts_event_day=e.deadline_counts_event_day,
            online_url=e.online_url, fee_note=e.fee_note.model_dump() if e.fee_note else {},
            kiosk_direct=e.kiosk_direct, moves=e.moves or "", sort_order=i,
            paid_at_cashier=e.paid_at == "cashier",
        )
    for e in data.procedures:
        up.relation(procedures[e.code].counters, [counters[c] for c in e.counters], ordered=True)
        up.relation(procedures[e.code].prerequisites, [procedures[c] for c in e.prerequisites])
    for i, e in enumerate(data.life_events):
        life_event = up.row(LifeEvent, e, asks=list(e.asks), marks=e.marks,
                            applicant_is_subject=e.applicant_is_subject, sort_order=i)
        up.relation(life_event.procedures, [procedures[c] for c in e.procedures])
    relations = {e.code: up.row(Relation, e, sort_order=i) for i, e in enumerate(data.relations)}
    up.rules(data.rules, procedures)
    ward_days = {e.code: up.row(WardDay, e, kind=e.kind, definition=e.definition(), sort_order=i)
                 for i, e in enumerate(data.ward_days)}
    revenue_items = {e.code: up.row(RevenueItem, e, account_code=e.account_code) for e in data.revenue_items}
    fee_items = {
        e.code: up.row(FeeItem, e, procedure=procedures[e.procedure], amount_yen=e.yen,
                       revenue_item=revenue_items[e.revenue], sort_order=i)
        for i, e in enumerate(data.fee_items)
    }
    for i, e in enumerate(data.fee_exemptions):
        exemption = up.row(FeeExemption, e, note_required=e.note_required, sort_order=i)
        up.relation(exemption.fee_items, [fee_items[c] for c in e.fee_items])
    for model, codes in (
        (Site, sites), (Department, departments), (Counter, counters), (Procedure, procedures),
        (LifeEvent, {e.code for e in data.life_events}), (Relation, relations), (WardDay, ward_days),
        (RevenueItem, revenue_items), (FeeItem, fee_items), (FeeExemption, {e.code for e in data.fee_exemptions}),
    ):
        up.deactivate_missing(model, set(codes))
    counts = data.counts()
    if surveys is not None:
        _apply_surveys(up, surveys)
        counts["surveys"] = len(surveys)
    if up.changes:
        audit.catalog_loaded(source=source, counts=counts, changes=up.changes)
        cache.set(CATALOG_VERSION_KEY, uuid.uuid4().hex, None)
        # This process's copies go at once (others' expire within ROUTING_INDEX_SECONDS).
        transaction.on_commit(lambda: cache.delete_many([selectors.ROUTING_INDEX_KEY, selectors.CASHIERS_KEY,
                                                         selectors.SITES_KEY]))
    return LoadResult(counts=counts, changes=up.changes)


def catalog_load(*, directory: Path) -> LoadResult:
    """Read, check and apply the catalogue in ``directory``. Raises ``CatalogInvalid``; then
    nothing in the database has changed. The visitor surveys of ``directory/surveys/`` are checked with
    the rest: a broken survey refuses the whole load, like a broken procedure."""
    problems = []
    try:
        data = catalog_read(directory=directory)
    except CatalogInvalid as invalid:
        problems.extend(invalid.problems)
    try:
        surveys = read_surveys(Path(directory) / "surveys")
    except SurveysInvalid as invalid:
        problems.extend(invalid.problems)
    if problems:
        raise CatalogInvalid(problems)
    return catalog_apply(data=data, source=str(directory), surveys=surveys)


def _names(row) -> dict:
    out = {"code": row.code, "name_ja": row.name_ja, "name_en": row.name_en}
    if row.name_easy:
        out["name_easy"] = row.name_easy
    return out


def catalog_as_yaml_sections() -> dict[str, list[dict]]:
    """The active catalogue as the sections of the YAML files (``catalog_dump``)."""
    sites = [
        {**_names(s), "kind": s.kind, **({"address_ja": s.address_ja} if s.address_ja else {})}
        for s in Site.objects.filter(active=True)
    ]
    departments = [_names(d) for d in Department.objects.filter(active=True)]
    counters = [
        {**_names(c), "site": c.site.code, "department": c.department.code, "floor": c.floor,
         "number": c.number, "desks": c.desks, **({"cashier": True} if c.is_cashier else {})}
        for c in Counter.objects.filter(active=True).select_related("site", "department")
    ]
    counter_order: dict[int, list[str]] = {}  # each procedure's counters in preference order (the rows' order)
    for procedure_id, code in Procedure.counters.through.objects.order_by("id").values_list(
        "procedure_id", "counter__code"
    ):
        counter_order.setdefault(procedure_id, []).append(code)
    procedures = []
    for p in Procedure.objects.filter(active=True).select_related("department").prefetch_related("prerequisites"):
        item = {**_names(p), "department": p.department.code,
                "counters": counter_order.get(p.pk, []),
                "handling_minutes": p.handling_minutes, "fee_yen": p.fee_yen}
        if p.documents:
            item["documents"] = p.documents
        if p.deadline_days is not None:
            item["deadline_days"] = p.deadline_days
        if p.deadline_counts_event_day:
            item["deadline_counts_event_day"] = True
        if p.online_url:
            item["online_url"] = p.online_url
        if p.fee_note:
            item["fee_note"] = p.fee_note
        if p.kiosk_direct:
            item["kiosk_direct"] = True
        if p.moves:
            item["moves"] = p.moves
        if p.paid_at_cashier:
            item["paid_at"] = "cashier"
        prerequisites = sorted(q.code for q in p.prerequisites.all())
        if prerequisites:
            item["prerequisites"] = prerequisites
        procedures.append(item)
    life_events = [
        {**_names(e), "procedures": [p.code for p in e.procedures.order_by("sort_order", "code")],
         **({"asks": e.asks} if e.asks else {}), **({"marks": e.marks} if e.marks else {}),
         **({} if e.applicant_is_subject else {"applicant_is_subject": False})}
        for e in LifeEvent.objects.filter(active=True)
    ]
    relations = [_names(r) for r in Relation.objects.filter(active=True)]
    rules = [
        {"procedure": r.procedure.code, **r.definition}
        for r in EligibilityRule.objects.select_related("procedure").order_by("position")
    ]
    ward_days = [{**_names(w), **({"kind": w.kind} if w.kind != WardDay.Kind.BUSY else {}), **w.definition}
                 for w in WardDay.objects.filter(active=True)]
    revenue_items = [{**_names(r), "account_code": r.account_code} for r in RevenueItem.objects.filter(active=True)]
    fee_items = [
        {**_names(f), "procedure": f.procedure.code, "yen": f.amount_yen, "revenue": f.revenue_item.code}
        for f in FeeItem.objects.filter(active=True).select_related("procedure", "revenue_item")
    ]
    fee_exemptions = []
    for x in FeeExemption.objects.filter(active=True).prefetch_related("fee_items"):
        item = _names(x)
        if x.note_required:
            item["note_required"] = True
        items = [f.code for f in x.fee_items.order_by("sort_order", "code")]
        if items:
            item["fee_items"] = items
        fee_exemptions.append(item)
    return {"sites": sites, "departments": departments, "counters": counters,
            "procedures": procedures, "life_events": life_events, "relations": relations, "rules": rules,
            "ward_days": ward_days,
            "revenue_items": revenue_items, "fee_items": fee_items, "fee_exemptions": fee_exemptions}


# The navigator's rules and the relation names they use travel with the procedures they decide; the
# ward's calendar days live in calendar.yaml; the fees, their revenue items and exemptions share one file.
DUMP_FILES = {"relations": "procedures.yaml", "rules": "procedures.yaml", "ward_days": "calendar.yaml",
              "revenue_items": "fees.yaml", "fee_items": "fees.yaml", "fee_exemptions": "fees.yaml"}


def catalog_dump(*, directory: Path) -> list[Path]:
    """Write the database back to ``directory/<section>.yaml``, one file per section (the navigator's
    relations and rules go into ``procedures.yaml``, see ``DUMP_FILES``), and each active survey's
    current version to ``directory/surveys/<code>.yaml``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, list[dict]]] = {}
    for section, items in catalog_as_yaml_sections().items():
        files.setdefault(DUMP_FILES.get(section, f"{section}.yaml"), {})[section] = items
    written = []
    for name, sections in files.items():
        path = directory / name
        path.write_text(
            yaml.safe_dump(sections, allow_unicode=True, sort_keys=False, width=100),
            encoding="utf-8",
        )
        written.append(path)
    for survey in Survey.objects.filter(active=True):
        version = survey.current_version()
        if version is None:
            continue
        (directory / "surveys").mkdir(exist_ok=True)
        path = directory / "surveys" / f"{survey.code}.yaml"
        path.write_text(yaml.safe_dump({"survey": version.definition}, allow_unicode=True, sort_keys=False, width=100),
                        encoding="utf-8")
        written.append(path)
    return written
