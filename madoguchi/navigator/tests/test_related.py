"""Related-procedure detection: what a visitor's facts imply beyond what the clerk registered."""

from madoguchi.navigator.rules import related_procedures

from .households import answers, person

FAMILY = answers("move_in", person("self", 38, has_mynumber_card=True), person("spouse", 36), person("child", 7),
                 moved_from="other_prefecture")


def test_registering_the_moving_in_lists_the_rest_of_the_familys_procedures(book):
    related = related_procedures(["juki.move_in"], FAMILY, book)
    assert [code for code, _ in related] == [
        "mynumber.card_update", "kosodate.child_allowance", "kosodate.child_medical", "gakumu.school_transfer",
    ]


def test_each_related_procedure_says_why_naming_the_member(book):
    related = dict(related_procedures(["juki.move_in"], FAMILY, book))
    assert related["gakumu.school_transfer"][0].ja.startswith("お子さん（7歳）は")


def test_what_is_registered_already_is_not_listed_again(book):
    related = related_procedures(["juki.move_in", "kosodate.child_allowance"], FAMILY, book)
    assert "kosodate.child_allowance" not in [code for code, _ in related]


def test_optional_procedures_are_listed_only_when_asked_for(book):
    assert "seal.register" not in [code for code, _ in related_procedures([], FAMILY, book)]
    assert "seal.register" in [code for code, _ in related_procedures([], FAMILY, book, include_optional=True)]


def test_nothing_is_related_when_everything_is_registered(book):
    everything = [code for code, _ in related_procedures([], FAMILY, book, include_optional=True)]
    assert related_procedures(everything, FAMILY, book, include_optional=True) == []
