from django.shortcuts import render
from django.views.decorators.cache import never_cache

from madoguchi.core.access import requires
from madoguchi.core.roles import Capability

from . import labels, selectors


@requires(Capability.AUDIT_VIEW)
@never_cache
def events(request):
    # The codes the trail keeps, in the reader's words (audit.labels): a Japanese page shows no internal code.
    memo: dict = {}  # a value's words looked up once per page (a counter's name, a clerk's)
    events = [{
        "at": e.created_at, "actor": labels.actor_words(e.actor_label, e.actor_id),
        "action": labels.action_words(e.action),
        "target": labels.target_words(e.target_type) if e.target_type else "",
        "target_id": labels.kept_words(e.target_id),
        "details": labels.separator().join(f"{name}: {value}" if name else value
                                           for name, value in labels.details_words(e.details, e.action, memo)),
    } for e in selectors.recent_events()]
    accesses = [{
        "at": a.created_at, "actor": labels.actor_words(a.actor_label, a.actor_id),
        "subject": labels.target_words(a.subject_type), "subject_id": a.subject_id,
        "purpose": labels.purpose_words(a.purpose),
        "fields": labels.separator().join(labels.field_words(a.subject_type, name) for name in a.fields),
    } for a in selectors.recent_personal_data_accesses()]
    return render(request, "audit/events.html", {"events": events, "accesses": accesses})
