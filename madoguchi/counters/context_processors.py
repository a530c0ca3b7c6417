from django.utils.functional import SimpleLazyObject

from madoguchi.reception.models import Visit

SERVING_VISIT_KEY = "serving_visit"


def serving_visit(request):
    """The visit this clerk last had at their desk, so the staff navigator can add what the household's
    facts imply to it with one click. Looked up only by templates that use it."""
    visit_id = request.session.get(SERVING_VISIT_KEY) if hasattr(request, "session") else None
    if not visit_id:
        return {}
    return {"serving_visit": SimpleLazyObject(
        lambda: Visit.objects.filter(pk=visit_id, status=Visit.Status.ACTIVE).first())}
