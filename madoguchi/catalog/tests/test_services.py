from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from madoguchi.audit.models import Event
from madoguchi.catalog.models import Counter, Department, FeeItem, Procedure, Site
from madoguchi.catalog.schema import CatalogInvalid
from madoguchi.catalog.services import catalog_dump, catalog_load

# Every procedure code of DOMAIN.md's table: the starter catalogue must carry them all.
DOMAIN_CODES = {
    "juki.move_in", "juki.move_within", "juki.move_out", "koseki.birth", "koseki.death",
    "koseki.marriage", "koseki.divorce", "mynumber.card_update", "seal.register", "nhi.enroll",
    "nhi.withdraw", "nhi.funeral_benefit", "nhi.birth_lump_sum", "pension.enroll", "pension.death",
    "kouki.enroll", "kouki.withdraw", "kouki.funeral_benefit", "kaigo.enroll", "kaigo.withdraw",
    "shogai.certificate", "kosodate.child_allowance", "kosodate.child_allowance_end",
    "kosodate.child_medical", "kosodate.single_parent", "hoiku.transfer", "gakumu.school_transfer",
    "kazei.heir_representative", "cert.juminhyo", "cert.seal", "cert.koseki", "cert.tax",
    "juki.householder_change", "mynumber.overseas", "kaigo.facility_exception", "hoiku.apply", "kazei.tax_agent",
    "pension.survivor",
}
DOMAIN_DEPARTMENTS = {"koseki", "kokuho", "kouki", "kaigo", "choju", "shogai", "hoiku", "kosodate",
                      "kazei", "nozei", "gakumu", "kaikei"}


def copy_catalog(tmp_path: Path, starter: Path) -> Path:
    target = tmp_path / "catalog"
    target.mkdir()
    for path in starter.glob("*.yaml"):
        (target / path.name).write_text(path.read_text("utf-8"), "utf-8")
    return target


@pytest.mark.django_db
def test_starter_catalogue_has_every_domain_procedure_and_department(starter_catalog):
    assert set(Procedure.objects.values_list("code", flat=True)) == DOMAIN_CODES
    assert set(Department.objects.values_list("code", flat=True)) == DOMAIN_DEPARTMENTS
    main = Site.objects.get(kind=Site.Kind.MAIN)
    assert set(main.counters.values_list("floor", flat=True)) == {1, 2, 3}
    branches = Site.objects.filter(kind=Site.Kind.BRANCH)
    assert branches.count() >= 2
    for branch in branches:
        assert Procedure.objects.filter(code="cert.juminhyo", counters__site=branch).exists()
    assert Counter.objects.filter(site=main).count() >= 8


@pytest.mark.django_db
def test_resident_record_comes_before_insurance_allowance_and_school(starter_catalog):
    for code in ("nhi.enroll", "kosodate.child_allowance", "gakumu.school_transfer", "kaigo.enroll"):
        prerequisites = set(Procedure.objects.get(code=code).prerequisites.values_list("code", flat=True))
        assert {"juki.move_in", "koseki.birth"} <= prerequisites
    assert not Procedure.objects.get(code="cert.juminhyo").prerequisites.exists()


@pytest.mark.django_db
def test_a_second_load_changes_nothing(starter_catalog, settings):
    assert starter_catalog.changes > 0
    events = Event.objects.count()
    assert catalog_load(directory=settings.CATALOG_DIR).changes == 0
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_a_broken_file_changes_nothing(starter_catalog, settings, tmp_path):
    directory = copy_catalog(tmp_path, settings.CATALOG_DIR)
    procedures = directory / "procedures.yaml"
    text = procedures.read_text("utf-8").replace("handling_minutes: 25", "handling_minutes: 99", 1)
    procedures.write_text(text.replace("department: kazei", "department: kazeii"), "utf-8")
    with pytest.raises(CatalogInvalid):
        catalog_load(directory=directory)
    assert Procedure.objects.get(code="juki.move_in").handling_minutes == 25


@pytest.mark.django_db
def test_the_command_prints_every_problem_with_its_place(settings, tmp_path, capsys):
    directory = copy_catalog(tmp_path, settings.CATALOG_DIR)
    sites = directory / "sites.yaml"
    sites.write_text(sites.read_text("utf-8").replace("department: kokuho, desks: 4", "department: kokuh, desks: 4"))
    with pytest.raises(CommandError, match=r"refused \(1 problem"):
        call_command("catalog_load", str(directory))
    err = capsys.readouterr().err
    line = next(i for i, text in enumerate(sites.read_text("utf-8").splitlines(), 1) if "kokuh," in text)
    assert f"sites.yaml:{line}: counters[4].department: unknown department 'kokuh'" in err
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_dump_then_load_changes_nothing(starter_catalog, tmp_path):
    written = catalog_dump(directory=tmp_path / "dump")
    assert {p.name for p in written} == {"sites.yaml", "departments.yaml", "counters.yaml", "procedures.yaml",
                                         "life_events.yaml", "calendar.yaml", "fees.yaml", "visit.yaml"}
    assert catalog_load(directory=tmp_path / "dump").changes == 0


@pytest.mark.django_db
def test_an_entry_removed_from_the_yaml_is_deactivated_not_deleted(starter_catalog, tmp_path):
    directory = tmp_path / "edited"
    catalog_dump(directory=directory)
    procedures = directory / "procedures.yaml"
    data = yaml.safe_load(procedures.read_text("utf-8"))
    data["procedures"] = [p for p in data["procedures"] if p["code"] != "cert.tax"]
    procedures.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    # Its fee goes with it (payments refer to the fee item: it too is only deactivated).
    fees = directory / "fees.yaml"
    data = yaml.safe_load(fees.read_text("utf-8"))
    data["fee_items"] = [f for f in data["fee_items"] if f["procedure"] != "cert.tax"]
    for exemption in data["fee_exemptions"]:
        if "tax" in exemption.get("fee_items", []):
            exemption["fee_items"].remove("tax")
    fees.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    result = catalog_load(directory=directory)
    assert result.changes == 3  # the procedure, its fee item, one exemption's list
    assert Procedure.objects.get(code="cert.tax").active is False
    assert FeeItem.objects.get(code="tax").active is False
