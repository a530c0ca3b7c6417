from django.shortcuts import render

from madoguchi.accounts.access import requires
from madoguchi.accounts.roles import Capability

from . import selectors


@requires(Capability.CATALOG_VIEW)
def procedures(request):
    return render(request, "catalog/procedures.html", {"departments": selectors.departments_with_procedures()})
