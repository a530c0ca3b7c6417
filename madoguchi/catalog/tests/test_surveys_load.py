"""catalog/surveys/*.yaml: the visitor survey definitions, checked and versioned by catalog_load."""

import shutil

import pytest
from django.conf import settings

from madoguchi.catalog.models import Survey, SurveyVersion
from madoguchi.catalog.schema import CatalogInvalid
from madoguchi.catalog.services import catalog_load


@pytest.fixture
def ward(tmp_path):
    directory = tmp_path / "catalog"
    shutil.copytree(settings.CATALOG_DIR, directory)
    return directory


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.django_db
def test_the_standard_survey_loads_as_version_one_and_reloads_unchanged(ward):
    result = catalog_load(directory=ward)
    assert result.counts["surveys"] == 1
    survey = Survey.objects.get(code="visit")
    assert survey.current_version().number == 1
    again = catalog_load(directory=ward)
    assert again.changes == 0 and SurveyVersion.objects.count() == 1


@pytest.mark.django_db
def test_changing_a_survey_makes_a_new_version_and_keeps_the_old(ward):
    catalog_load(directory=ward)
    _edit(ward / "surveys" / "visit.yaml", "待ち時間をどう感じましたか。", "待ち時間はいかがでしたか。")
    catalog_load(directory=ward)
    versions = list(SurveyVersion.objects.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    wait = next(q for q in versions[1].definition["questions"] if q["code"] == "wait_feeling")
    assert wait["label"]["ja"] == "待ち時間はいかがでしたか。"
    assert versions[0].digest != versions[1].digest


@pytest.mark.django_db
def test_a_broken_survey_is_refused_with_file_line_and_field_and_changes_nothing(ward):
    path = ward / "surveys" / "visit.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if "kind: scale" in line)
    _edit(path, "kind: scale", "kind: slider")
    with pytest.raises(CatalogInvalid) as refused:
        catalog_load(directory=ward)
    problems = [str(p) for p in refused.value.problems]
    assert any(p.startswith(f"{path}:{number}: survey.questions[") and ".kind:" in p for p in problems), problems
    assert not Survey.objects.exists()


@pytest.mark.django_db
def test_a_condition_on_an_unknown_option_is_refused_at_its_line(ward):
    path = ward / "surveys" / "visit.yaml"
    _edit(path, "- used\n", "- usedd\n")
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "any_of:" in text)
    with pytest.raises(CatalogInvalid) as refused:
        catalog_load(directory=ward)
    expected = f"{path}:{line}: survey.questions[6].when.any_of: 'aware_prefill' has no option 'usedd'"
    assert str(refused.value) == expected


@pytest.mark.django_db
def test_a_label_missing_in_easy_japanese_is_refused(ward):
    path = ward / "surveys" / "visit.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("ja_easy:")
    end = text.index("\n", start)
    path.write_text(text[:start] + "jx: x" + text[end:], encoding="utf-8")
    with pytest.raises(CatalogInvalid) as refused:
        catalog_load(directory=ward)
    assert "survey.title.ja_easy" in str(refused.value)
