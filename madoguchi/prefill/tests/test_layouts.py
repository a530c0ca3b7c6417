"""Form definitions: the ward's forms load, and a broken one is refused at its file, line and field."""

import textwrap
from pathlib import Path

import pytest

from madoguchi.catalog.schema import CatalogInvalid
from madoguchi.catalog.yamlsource import read_yaml
from madoguchi.prefill.layouts import FormsInvalid, forms_for_procedures, load_forms, parse_forms

KNOWN = {"juki.move_in", "juki.move_out", "nhi.enroll"}

MINIMAL = """\
forms:
  - code: test.form
    title_ja: 試験届
    procedures: [juki.move_in]
    fields:
      - {source: identity.name, x: 20, y: 30}
      - {source: answers.moved_on, label: 異動日, kind: date, required: true, x: 20, y: 40}
    signature: {x: 15, y: 200, width: 120, height: 16}
"""


def parse(*texts: str, known=KNOWN):
    return parse_forms([read_yaml(textwrap.dedent(t), f"f{i}.yaml") for i, t in enumerate(texts)],
                       procedure_codes=known)


def problems_of(*texts: str, known=KNOWN) -> list[str]:
    with pytest.raises(FormsInvalid) as refused:
        parse(*texts, known=known)
    return [str(p) for p in refused.value.problems]


def test_the_ward_forms_load_against_the_starter_catalogue(ward_forms):
    assert {f.code for f in ward_forms} >= {"juki.idou", "nhi.idou", "kosodate.jidouteate", "kaigo.shutoku",
                                            "seal.touroku", "cert.juminhyo"}


@pytest.mark.parametrize("procedure", [
    "juki.move_in", "juki.move_out", "juki.move_within", "nhi.enroll", "nhi.withdraw", "kosodate.child_allowance",
    "kaigo.enroll", "seal.register", "cert.juminhyo",
])
def test_each_procedure_of_the_issue_has_a_form(ward_forms, procedure):
    assert forms_for_procedures(ward_forms, [procedure])


def test_every_ward_form_has_a_signature_box_and_prints_name_address_and_birth_date(ward_forms):
    for form in ward_forms:
        sources = {f.source for f in form.fields}
        assert {"identity.name", "identity.birth_date"} <= sources, form.code
        assert sources & {"address.now", "address.before_move", "address.after_move"}, form.code
        assert form.signature.width >= 30


def test_a_minimal_form_parses():
    (form,) = parse(MINIMAL)
    assert form.code == "test.form"
    assert form.page.size_mm == (210, 297)


def test_an_unknown_source_is_refused_at_its_line_and_field():
    broken = MINIMAL.replace("identity.name, x: 20", "identity.nickname, x: 20")
    (problem,) = problems_of(broken)
    assert problem.startswith("f0.yaml:6: forms[0].fields[0].source: unknown source 'identity.nickname'")


def test_an_unknown_procedure_is_refused_at_its_line():
    broken = MINIMAL.replace("procedures: [juki.move_in]", "procedures:\n      - juki.move_in\n      - juki.moov")
    assert problems_of(broken) == ["f0.yaml:6: forms[0].procedures[1]: unknown procedure 'juki.moov'"]


def test_an_unknown_key_is_refused():
    broken = MINIMAL.replace("    title_ja: 試験届\n", "    title_ja: 試験届\n    colour: red\n")
    (problem,) = problems_of(broken)
    assert "forms[0].colour: Extra inputs are not permitted" in problem
    assert problem.startswith("f0.yaml:4:")


def test_an_answer_without_a_label_is_refused():
    broken = MINIMAL.replace("label: 異動日, ", "")
    (problem,) = problems_of(broken)
    assert "forms[0].fields[1]: an answers.* field needs a label" in problem


def test_a_label_on_a_non_answer_field_is_refused():
    broken = MINIMAL.replace("{source: identity.name, x: 20", "{source: identity.name, label: 氏名, x: 20")
    assert "label, required, kind, choices and known_from_* belong to answers.* fields" in problems_of(broken)[0]


def test_a_field_printing_the_cards_address_must_say_which_address_it_means():
    broken = MINIMAL.replace("{source: identity.name, x: 20", "{source: identity.address, x: 20")
    assert "does not say which address" in problems_of(broken)[0]


def test_a_known_answer_must_be_one_of_the_choices_and_name_a_known_procedure():
    not_a_choice = MINIMAL.replace("      - {source: identity.name, x: 20, y: 30}\n", (
        "      - {source: answers.kind, label: 種別, kind: choice, choices: [転入, 転居], "
        "known_from_procedures: {juki.move_in: 転出}, x: 20, y: 60}\n"))
    assert "known value '転出' is not one of the choices" in problems_of(not_a_choice)[0]
    unknown = MINIMAL.replace("      - {source: identity.name, x: 20, y: 30}\n", (
        "      - {source: answers.other, label: 他, kind: choice, choices: [a], "
        "known_from_procedures: {no.such: a}, x: 20, y: 80}\n"))
    assert "unknown procedure 'no.such'" in problems_of(unknown)[0]


def test_fixed_text_needs_its_text():
    broken = MINIMAL.replace("{source: identity.name, x: 20", "{source: text, x: 20")
    assert "source 'text' needs text" in problems_of(broken)[0]


def test_a_choice_without_choices_is_refused():
    broken = MINIMAL.replace("kind: date", "kind: choice")
    assert "kind 'choice' needs choices" in problems_of(broken)[0]


def test_options_without_a_width_are_refused():
    broken = MINIMAL.replace("{source: identity.name, x: 20", "{source: identity.sex, options: [男, 女], x: 20")
    assert "options need a width" in problems_of(broken)[0]


def test_a_field_past_the_page_edge_is_refused():
    broken = MINIMAL.replace("{source: identity.name, x: 20, y: 30}",
                             "{source: identity.name, x: 150, y: 30, width: 80}")
    (problem,) = problems_of(broken)
    assert problem.startswith("f0.yaml:6: forms[0].fields[0]: reaches past the 210×297 mm page")


def test_a_form_without_a_signature_box_is_refused():
    broken = MINIMAL.replace("    signature: {x: 15, y: 200, width: 120, height: 16}\n", "")
    assert "forms[0].signature: Field required" in problems_of(broken)[0]


def test_a_duplicate_form_code_names_the_first_place():
    assert problems_of(MINIMAL, MINIMAL) == ["f1.yaml:2: forms[0].code: duplicate form code 'test.form' "
                                            "(first at f0.yaml:2)"]


def test_one_answer_defined_two_ways_in_a_form_is_refused():
    broken = MINIMAL.replace(
        "      - {source: answers.moved_on, label: 異動日, kind: date, required: true, x: 20, y: 40}\n",
        "      - {source: answers.moved_on, label: 異動日, kind: date, required: true, x: 20, y: 40}\n"
        "      - {source: answers.moved_on, label: 引越日, x: 20, y: 50}\n")
    assert "answers.moved_on is defined twice" in problems_of(broken)[0]


def test_a_file_that_is_not_a_forms_list_is_refused():
    assert problems_of("procedures: []\n") == ["f0.yaml:1: a forms file is a mapping with one key, forms: [...]"]


def test_forms_invalid_is_a_catalogue_refusal():
    with pytest.raises(CatalogInvalid):
        parse(MINIMAL, known=set())


def test_an_empty_folder_is_refused(tmp_path: Path):
    with pytest.raises(FormsInvalid, match=r"no \*\.yaml files here"):
        load_forms(tmp_path, procedure_codes=KNOWN)


def test_broken_yaml_is_refused_with_its_line(tmp_path: Path):
    (tmp_path / "broken.yaml").write_text("forms:\n  - {code: a, title_ja: x\n  - oops: [\n", encoding="utf-8")
    with pytest.raises(FormsInvalid) as refused:
        load_forms(tmp_path, procedure_codes=KNOWN)
    assert "broken.yaml:3:" in str(refused.value)


def test_the_forms_live_in_a_subfolder_the_main_catalogue_loader_does_not_read():
    catalog = Path(__file__).resolve().parents[3] / "catalog"
    form_files = {p.name for p in (catalog / "forms").glob("*.yaml")}
    assert form_files
    assert not form_files & {p.name for p in catalog.glob("*.yaml")}


def test_a_visit_gets_each_form_once_in_the_order_of_its_first_procedure(ward_forms):
    chosen = forms_for_procedures(ward_forms, ["juki.move_in", "nhi.enroll", "seal.register", "juki.move_out"])
    assert [f.code for f in chosen] == ["juki.idou", "nhi.idou", "seal.touroku"]
