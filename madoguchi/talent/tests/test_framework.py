"""The skill framework file: the ward's real one loads, twice changes nothing, a broken one is refused
whole with file:line: field."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from madoguchi.catalog.services import catalog_load
from madoguchi.talent.framework import FrameworkInvalid
from madoguchi.talent.models import Grade, SkillRole
from madoguchi.talent.services import framework_load

FILE = Path(settings.CATALOG_DIR) / "dx_skills.yaml"
NATIONAL = ["business_architect", "designer", "data_scientist", "software_engineer", "cybersecurity"]


@pytest.mark.django_db
def test_the_wards_framework_has_the_five_national_roles_literacy_and_its_own():
    assert framework_load(path=FILE) > 0

    codes = list(SkillRole.objects.values_list("code", flat=True))
    assert set(NATIONAL) <= set(codes)
    assert SkillRole.objects.get(code="literacy").everyone
    assert "dx_leader" in codes
    assert SkillRole.objects.get(code="data_scientist").name_ja == "データサイエンティスト"
    assert SkillRole.objects.get(code="data_scientist").levels.count() == 4
    assert SkillRole.objects.get(code="literacy").levels.count() == 2
    assert list(Grade.objects.values_list("name_ja", flat=True)) == ["係員", "主任", "係長", "課長", "部長"]


@pytest.mark.django_db
def test_a_second_load_changes_nothing():
    framework_load(path=FILE)

    assert framework_load(path=FILE) == 0


@pytest.mark.django_db
def test_a_broken_file_is_refused_with_file_line_and_field(tmp_path):
    broken = tmp_path / "dx_skills.yaml"
    broken.write_text(FILE.read_text("utf-8").replace("roles: [data_scientist]}", "roles: [data_scientst]}", 1)
                      .replace("- {code: senior,", "- {code: staff,", 1), encoding="utf-8")

    with pytest.raises(FrameworkInvalid) as refused:
        framework_load(path=broken)

    messages = [str(p) for p in refused.value.problems]
    assert any(m.startswith(f"{broken}:") and "dx_skills.qualifications[5].roles[0]: unknown role 'data_scientst'" in m
               for m in messages), messages
    assert any("grades[1].code: duplicate code 'staff'" in m for m in messages), messages
    assert all(":" in m.split(str(broken))[1][:6] for m in messages)  # a line number after the file name
    assert not SkillRole.objects.exists()


@pytest.mark.django_db
def test_the_command_lists_every_problem_and_fails(tmp_path):
    broken = tmp_path / "dx_skills.yaml"
    broken.write_text("dx_skills:\n  levels: []\n  roles: []\n  grades: []\n", encoding="utf-8")

    with pytest.raises(CommandError, match="refused"):
        call_command("dx_skills_load", str(broken))


@pytest.mark.django_db
def test_the_catalogue_loader_leaves_the_framework_section_to_its_own_loader():
    result = catalog_load(directory=settings.CATALOG_DIR)

    assert result.counts["procedures"] > 0  # dx_skills.yaml sits beside the catalogue and is no problem
