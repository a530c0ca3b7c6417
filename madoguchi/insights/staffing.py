"""The live staffing suggestion (issue 18): from the queues right now, one desk to move between two
counters of one section, with its expected effect; accepting it closes one desk and opens the other."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from madoguchi.catalog.models import Counter
from madoguchi.core.errors import ConflictError
from madoguchi.reception import selectors as queues
from madoguchi.reception import services as reception

from .simulation.advisor import LiveQueue, Suggestion, suggest_move

DEFAULT_TARGET_MINUTES = 30


def live_suggestion(*, target: float = DEFAULT_TARGET_MINUTES, now=None) -> tuple[Suggestion | None, dict]:
    """(the suggested move or None, ``{code: Counter}`` of the counters it names)."""
    snapshot = queues.queue_snapshot(now=now, with_steps=False)
    live = [LiveQueue(q.counter.code, (q.counter.site_id, q.counter.department_id), q.desks_open, q.counter.desks,
                      tuple(w.expected_minutes for w in q.waiting), tuple(q.serving_remaining))
            for q in snapshot.values()]
    counters = {q.counter.code: q.counter for q in snapshot.values()}
    return suggest_move(live, target=target), counters


@transaction.atomic
def staffing_accept(*, from_counter: Counter, to_counter: Counter, actor) -> tuple[int, int]:
    """Close the highest-numbered open desk of ``from_counter`` and open the lowest closed desk of
    ``to_counter`` (the same section's staff): (desk closed, desk opened)."""
    if (from_counter.site_id, from_counter.department_id) != (to_counter.site_id, to_counter.department_id):
        raise ConflictError(_("A desk moves only between counters of one section."), field="to_counter")
    giving = [n for n, is_open in queues.desk_states(from_counter) if is_open]
    closed = [n for n, is_open in queues.desk_states(to_counter) if not is_open]
    if len(giving) < 2 or not closed:
        raise ConflictError(_("The desks have changed since the suggestion: look again."), field="to_counter")
    reception.desk_set_open(counter=from_counter, number=giving[-1], is_open=False, actor=actor)
    reception.desk_set_open(counter=to_counter, number=closed[0], is_open=True, actor=actor)
    return giving[-1], closed[0]
