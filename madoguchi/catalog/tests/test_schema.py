"""The pure loader: every refusal names the file, the line and the field."""

import textwrap

import pytest

from madoguchi.catalog.schema import CatalogInvalid, parse_catalog
from madoguchi.catalog.yamlsource import YamlSyntaxError, read_yaml

BASE = """\
sites:
  - {code: main, name_ja: 本庁舎, name_en: Main, kind: main}
departments:
  - {code: koseki, name_ja: 戸籍住民課, name_en: Records}
  - {code: kokuho, name_ja: 国保年金課, name_en: Insurance}
counters:
  - {code: c1, site: main, floor: 1, number: "1", department: koseki, name_ja: 窓口1, name_en: Counter 1}
  - {code: c2, site: main, floor: 2, number: "2", department: kokuho, name_ja: 窓口2, name_en: Counter 2}
"""


def parse(*texts: str):
    return parse_catalog([read_yaml(textwrap.dedent(t), f"f{i}.yaml") for i, t in enumerate(texts)])


def problems_of(*texts: str) -> list[str]:
    with pytest.raises(CatalogInvalid) as refused:
        parse(*texts)
    return [str(p) for p in refused.value.problems]


def test_a_valid_catalogue_parses():
    data = parse(BASE, """
        procedures:
          - {code: juki.move_in, name_ja: 転入届, name_en: Move in, department: koseki, counters: [c1],
             handling_minutes: 20}
          - {code: nhi.enroll, name_ja: 国保加入, name_en: NHI, department: kokuho, counters: [c2],
             handling_minutes: 15, prerequisites: [juki.move_in]}
    """)
    assert [p.code for p in data.procedures] == ["juki.move_in", "nhi.enroll"]
    assert data.counts()["counters"] == 2


def test_broken_yaml_is_refused_with_its_line():
    with pytest.raises(YamlSyntaxError) as refused:
        read_yaml("departments:\n  - {code: a, name_ja: x\n  - oops: [\n", "broken.yaml")
    assert str(refused.value).startswith("broken.yaml:3:")
    assert "not valid YAML" in str(refused.value)


def test_unknown_department_names_file_line_and_field():
    problems = problems_of(BASE, """
        procedures:
          - code: juki.move_in
            name_ja: 転入届
            name_en: Move in
            department: kosekii
            counters: [c1]
            handling_minutes: 20
    """)
    assert problems == ["f1.yaml:6: procedures[0].department: unknown department 'kosekii'"]


def test_unknown_counter_in_a_list_points_at_the_item():
    problems = problems_of(BASE, """
        procedures:
          - code: p.one
            name_ja: 手続
            name_en: One
            department: koseki
            counters:
              - c1
              - c9
            handling_minutes: 5
    """)
    assert problems == ["f1.yaml:9: procedures[0].counters[1]: unknown counter 'c9'"]


def test_duplicate_code_names_both_places():
    problems = problems_of(BASE, """
        departments:
          - {code: koseki, name_ja: 重複, name_en: Duplicate}
    """)
    assert problems == ["f1.yaml:3: departments[0].code: duplicate department code 'koseki' (first at f0.yaml:4)"]


def test_prerequisite_cycle_is_refused_and_shown():
    problems = problems_of(BASE, """
        procedures:
          - {code: a.one, name_ja: 一, name_en: One, department: koseki, counters: [c1], handling_minutes: 5,
             prerequisites: [a.two]}
          - {code: a.two, name_ja: 二, name_en: Two, department: koseki, counters: [c1], handling_minutes: 5,
             prerequisites: [a.three]}
          - {code: a.three, name_ja: 三, name_en: Three, department: koseki, counters: [c1], handling_minutes: 5,
             prerequisites: [a.one]}
    """)
    assert len(problems) == 1
    assert problems[0].startswith("f1.yaml:4: procedures[0].prerequisites: prerequisite cycle: ")
    assert "a.one → a.two → a.three → a.one" in problems[0]


def test_a_procedure_cannot_require_itself():
    problems = problems_of(BASE, """
        procedures:
          - {code: a.one, name_ja: 一, name_en: One, department: koseki, counters: [c1], handling_minutes: 5,
             prerequisites: [a.one]}
    """)
    assert any("cannot be its own prerequisite" in p for p in problems)


def test_unknown_field_and_bad_value_are_both_reported():
    problems = problems_of(BASE, """
        procedures:
          - code: a.one
            name_ja: 一
            name_en: One
            department: koseki
            counters: [c1]
            handling_minutes: -3
            colour: blue
    """)
    assert "f1.yaml:8: procedures[0].handling_minutes: Input should be greater than or equal to 1" in problems
    assert "f1.yaml:9: procedures[0].colour: Extra inputs are not permitted" in problems


def test_unknown_section_is_refused():
    problems = problems_of(BASE, "procedurs: []\n")
    assert problems[0].startswith("f1.yaml:1: procedurs: unknown section")


def test_bad_code_is_refused():
    problems = problems_of("departments:\n  - {code: Bad Code, name_ja: x, name_en: y}\n")
    assert problems[0].startswith("f0.yaml:2: departments[0].code: String should match pattern")


def test_counter_number_is_unique_per_site():
    problems = problems_of(BASE, """
        counters:
          - {code: c3, site: main, floor: 1, number: "1", department: koseki, name_ja: 重複, name_en: Dup}
    """)
    assert problems == ["f1.yaml:3: counters[0].number: counter number '1' is already used at site 'main' by 'c1'"]


def test_every_problem_is_reported_at_once():
    problems = problems_of(BASE, """
        counters:
          - {code: c3, site: nowhere, floor: 1, number: "9", department: nobody, name_ja: x, name_en: y}
    """)
    assert len(problems) == 2
