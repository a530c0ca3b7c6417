from django.db.models import Prefetch, QuerySet

from .models import Counter, Department, Procedure


def procedure_list(*, active_only: bool = True) -> QuerySet[Procedure]:
    procedures = Procedure.objects.select_related("department").prefetch_related(
        Prefetch("counters", queryset=Counter.objects.select_related("site")), "prerequisites"
    )
    return procedures.filter(active=True) if active_only else procedures


def counter_list(*, active_only: bool = True) -> QuerySet[Counter]:
    counters = Counter.objects.select_related("site", "department")
    return counters.filter(active=True) if active_only else counters


def departments_with_procedures() -> list[tuple[Department, list[Procedure]]]:
    by_department: dict[int, list[Procedure]] = {}
    for procedure in procedure_list():
        by_department.setdefault(procedure.department_id, []).append(procedure)
    return [(d, by_department.get(d.pk, [])) for d in Department.objects.filter(active=True)]
