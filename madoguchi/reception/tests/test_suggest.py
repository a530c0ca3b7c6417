"""What reception ticks for a life event: the navigator's rules with only what reception knows."""

from madoguchi.navigator.rules import RuleBook, Texts
from madoguchi.reception.suggest import suggest

REASON = {"ja": "{member}は…", "en": "{member}: …"}
BOOK = RuleBook.build([
    {"procedure": "juki.move_in", "events": ["move_in"], "reason": REASON},
    {"procedure": "cert.juminhyo", "events": ["move_in"], "required": False, "reason": REASON},
    {"procedure": "nhi.enroll", "events": ["move_in"], "member": {"insurance": "national"}, "reason": REASON},
    {"procedure": "pension.enroll", "events": ["move_in"], "when": {"moved_from": "abroad"}, "reason": REASON},
], {}, {})


def test_only_what_applies_to_every_household_is_ticked():
    found = suggest("move_in", BOOK)
    assert found.ticked == ("juki.move_in",)
    assert list(found.ask) == ["cert.juminhyo", "nhi.enroll", "pension.enroll"]
    assert isinstance(found.ask["nhi.enroll"], Texts) and "{member}" not in found.ask["nhi.enroll"].en


def test_a_known_event_fact_rules_a_procedure_in_or_out():
    assert "pension.enroll" not in suggest("move_in", BOOK, event_facts={"moved_from": "other_prefecture"}).ask
    assert suggest("move_in", BOOK, event_facts={"moved_from": "abroad"}).ticked == ("juki.move_in", "pension.enroll")


def test_an_event_without_rules_ticks_nothing():
    found = suggest("birth", BOOK)
    assert found.ticked == () and not found.ask
