from django.shortcuts import render

from madoguchi.core.access import requires
from madoguchi.core.roles import Capability

from . import selectors


@requires(Capability.CATALOG_VIEW)
def procedures(request):
    return render(request, "catalog/procedures.html", {"departments": selectors.departments_with_procedures()})
