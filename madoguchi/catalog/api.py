from django.utils import translation
from ninja import Router, Schema

from . import selectors

router = Router(tags=["catalog"])


class CatalogCounterOut(Schema):
    code: str
    name_ja: str
    name_en: str
    site: str
    site_name_ja: str
    floor: int
    number: str
    department: str
    desks: int


class DocumentOut(Schema):
    ja: str
    en: str
    easy: str = ""


class CatalogProcedureOut(Schema):
    code: str
    name_ja: str
    name_en: str
    name_easy: str
    department: str
    counters: list[str]
    handling_minutes: int
    fee_yen: int
    documents: list[DocumentOut]
    deadline_days: int | None
    online_url: str
    prerequisites: list[str]


@router.get("/catalog/procedures", response=list[CatalogProcedureOut], auth=None, summary="Every active procedure")
def list_procedures(request):
    return [
        CatalogProcedureOut(
            code=p.code, name_ja=p.name_ja, name_en=p.name_en, name_easy=p.name_easy,
            department=p.department.code, counters=[c.code for c in p.counters.all()],
            handling_minutes=p.handling_minutes, fee_yen=p.fee_yen, documents=p.documents,
            deadline_days=p.deadline_days, online_url=p.online_url,
            prerequisites=sorted(q.code for q in p.prerequisites.all()),
        )
        for p in selectors.procedure_list()
    ]


@router.get("/counters", response=list[CatalogCounterOut], auth=None, summary="Every active counter")
def list_counters(request):
    with translation.override("ja"):
        return [
            CatalogCounterOut(
                code=c.code, name_ja=c.name_ja, name_en=c.name_en, site=c.site.code, site_name_ja=c.site.name_ja,
                floor=c.floor, number=c.number, department=c.department.code, desks=c.desks,
            )
            for c in selectors.counter_list()
        ]
