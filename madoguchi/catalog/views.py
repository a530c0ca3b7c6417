from django.shortcuts import render

from madoguchi.core.access import requires
from madoguchi.core.roles import Capability

from . import selectors


@requires(Capability.CATALOG_VIEW)
def procedures(request):
    rules = selectors.rules_by_department()
    departments = [(department, procedures, rules.get(department.pk, []))
                   for department, procedures in selectors.departments_with_procedures()]
    return render(request, "catalog/procedures.html", {"departments": departments})
