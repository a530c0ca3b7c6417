from django.shortcuts import render

from madoguchi.core.access import public, requires
from madoguchi.core.i18n import resident_page
from madoguchi.core.roles import Capability

from . import selectors


@requires(Capability.CATALOG_VIEW)
def procedures(request):
    rules = selectors.rules_by_department()
    departments = [(department, procedures, rules.get(department.pk, []))
                   for department, procedures in selectors.departments_with_procedures()]
    return render(request, "catalog/procedures.html", {"departments": departments})


@public
@resident_page
def floor_guide(request):
    """Where each counter is, floor by floor, and what is done there (public, no login)."""
    return render(request, "catalog/floor_guide.html", {"sites": selectors.floor_guide()})
