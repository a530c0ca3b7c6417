"""What reception ticks for a life event: the navigator's rules with what reception knows. Pure: no Django.

Reception knows the life event (and sometimes where the household moved from) but not the household.
A procedure is ticked only when one of the event's rules makes it required for any household — it
tests no member and no household clause, and its event facts hold — e.g. 転入届 for a move-in.
A procedure whose rules turn on the household (NHI, child allowance, school) is offered unticked
with the rules' reason, so the clerk asks the visitor; the rest of the event's procedures are listed
as usual. Never twelve ticks for a one-person move.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from madoguchi.navigator.rules import RuleBook, Texts

# How a reason names "the member" when reception does not know the household.
SOMEONE = Texts("世帯の方", "someone in the household", "かぞく の ひと")


@dataclass(frozen=True)
class Suggestion:
    ticked: tuple[str, ...]  # procedure codes that apply whatever the household
    ask: Mapping[str, Texts]  # procedure code → why it may apply (the first rule's reason)


def suggest(life_events: str | Iterable[str], book: RuleBook, *,
            event_facts: Mapping[str, object] | None = None) -> Suggestion:
    """The procedures to tick and those to ask about, for these life events and the event facts known."""
    facts = dict(event_facts or {})
    ticked: dict[str, None] = {}
    ask: dict[str, Texts] = {}
    for rule in book.rules_for(life_events):
        state = rule.when.maybe(facts)
        if state is False:
            continue
        certain = state is True and rule.member is None and not rule.household
        if certain and rule.required:
            ticked[rule.procedure] = None
        elif rule.procedure not in ask:
            ask[rule.procedure] = rule.reason.naming(SOMEONE)
    for code in ticked:
        ask.pop(code, None)
    order = book.order_of
    return Suggestion(tuple(sorted(ticked, key=order)), {code: ask[code] for code in sorted(ask, key=order)})
