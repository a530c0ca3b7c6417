"""The navigator's copy of the catalogue: kept per process while the catalogue's version holds."""

from pathlib import Path

import pytest

from madoguchi.catalog.services import catalog_load
from madoguchi.navigator import selectors

pytestmark = pytest.mark.django_db


def test_the_rule_book_is_read_once_per_catalogue_version(starter_catalog, django_assert_num_queries):
    selectors.navigator_rulebook()
    with django_assert_num_queries(0):
        selectors.navigator_rulebook()


def test_a_catalogue_load_that_changes_a_rule_reaches_the_navigator_at_once(starter_catalog, settings, tmp_path):
    before = selectors.navigator_rulebook()
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    for path in Path(settings.CATALOG_DIR).glob("*.yaml"):
        text = path.read_text("utf-8")
        if path.name == "rules.yaml":
            text = text.replace("区内で住所が変わったため、14日以内に転居届が必要です。", "転居届を出します。")
        (catalog / path.name).write_text(text, "utf-8")
    assert catalog_load(directory=catalog).changes == 1
    after = selectors.navigator_rulebook()
    assert after is not before
    assert next(r for r in after.rules if r.procedure == "juki.move_within").reason.ja == "転居届を出します。"


def test_the_procedures_details_follow_the_catalogue_too(starter_catalog, django_assert_num_queries):
    selectors.procedure_cards(findings=[], language="ja")
    with django_assert_num_queries(0):
        selectors.procedure_cards(findings=[], language="ja")
