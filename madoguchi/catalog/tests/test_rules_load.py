"""The navigator's rules stored by the catalogue loader, dumped beside the procedures, loaded back."""

from pathlib import Path

import pytest
import yaml

from madoguchi.catalog.models import EligibilityRule, Procedure, Relation
from madoguchi.catalog.services import catalog_dump, catalog_load


@pytest.mark.django_db
def test_the_starter_rules_are_stored_in_their_order(starter_catalog, settings):
    written = yaml.safe_load(Path(settings.CATALOG_DIR, "rules.yaml").read_text("utf-8"))["rules"]
    stored = [{"procedure": r.procedure.code, **r.definition} for r in EligibilityRule.objects.order_by("position")]
    assert [r["procedure"] for r in stored] == [r["procedure"] for r in written]
    assert stored[0]["reason"]["ja"] == written[0]["reason"]["ja"]


@pytest.mark.django_db
def test_every_relation_has_a_name_in_three_languages(starter_catalog):
    assert set(Relation.objects.values_list("code", flat=True)) == {"self", "spouse", "child", "grandchild", "parent",
                                                                   "other"}
    assert not Relation.objects.filter(name_easy="").exists()


@pytest.mark.django_db
def test_the_family_register_deadlines_count_the_event_day(starter_catalog):
    counted = set(Procedure.objects.filter(deadline_counts_event_day=True).values_list("code", flat=True))
    assert counted == {"koseki.birth", "koseki.death"}


@pytest.mark.django_db
def test_the_dump_carries_the_rules_and_loads_back_unchanged(starter_catalog, tmp_path):
    catalog_dump(directory=tmp_path)
    dumped = yaml.safe_load((tmp_path / "procedures.yaml").read_text("utf-8"))
    assert len(dumped["rules"]) == EligibilityRule.objects.count()
    assert catalog_load(directory=tmp_path).changes == 0


@pytest.mark.django_db
def test_a_changed_rule_is_one_change_and_replaces_the_rules(starter_catalog, tmp_path):
    catalog_dump(directory=tmp_path)
    path = tmp_path / "procedures.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    school = next(r for r in data["rules"] if r["procedure"] == "gakumu.school_transfer")
    school["member"]["age"] = {"gte": 6}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")

    assert catalog_load(directory=tmp_path).changes == 1
    stored = EligibilityRule.objects.get(procedure__code="gakumu.school_transfer")
    assert stored.definition["member"] == {"school_age": True, "stays": False, "age": {"gte": 6}}


@pytest.mark.django_db
def test_each_stored_rule_keeps_its_source_and_the_day_it_was_checked(starter_catalog):
    for rule in EligibilityRule.objects.all():
        assert rule.definition["source"] and rule.definition["checked"], rule
