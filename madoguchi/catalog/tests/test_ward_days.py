"""catalog/calendar.yaml: the ward's own days, checked on load with file:line:field like the rest."""

import textwrap
from datetime import date

import pytest
from django.conf import settings

from madoguchi.catalog.models import WardDay
from madoguchi.catalog.schema import CatalogInvalid, parse_catalog
from madoguchi.catalog.services import catalog_as_yaml_sections, catalog_dump, catalog_load
from madoguchi.catalog.yamlsource import YamlSyntaxError, read_yaml

from .test_schema import BASE


def parse(text: str):
    return parse_catalog([read_yaml(BASE, "base.yaml"), read_yaml(textwrap.dedent(text), "calendar.yaml")])


def problems_of(text: str) -> list[str]:
    with pytest.raises(CatalogInvalid) as refused:
        parse(text)
    return [str(p) for p in refused.value.problems]


def test_a_monthly_busy_day_and_an_opening_parse():
    data = parse("""
        ward_days:
          - {code: pension, name_ja: 年金支給日, name_en: Pension day, months: [2, 4], day: 15, counters: [c2]}
          - {code: sunday, name_ja: 日曜開庁, name_en: Sunday opening, kind: open, dates: [2026-03-29]}
    """)

    pension, sunday = data.ward_days
    assert pension.definition() == {"day": 15, "months": [2, 4], "counters": ["c2"]}
    assert sunday.kind == "open" and sunday.dates == [date(2026, 3, 29)]


@pytest.mark.parametrize(("entry", "expected"), [
    ("{code: x, name_ja: x, name_en: x}", "calendar.yaml:3: ward_days[0]: Value error, give either dates or day"),
    ("{code: x, name_ja: x, name_en: x, day: 0}", "ward_days[0]: Value error, day is 1–31, or -1"),
    ("{code: x, name_ja: x, name_en: x, day: 32}", "ward_days[0].day: Input should be less than or equal to 31"),
    ("{code: x, name_ja: x, name_en: x, day: 1, months: [13]}", "ward_days[0].months[0]: Input should be less"),
    ("{code: x, name_ja: x, name_en: x, kind: closed, day: 1}", "a closed day lists its dates"),
    ("{code: x, name_ja: x, name_en: x, day: 1, counters: [nowhere]}", "ward_days[0].counters[0]: unknown counter"),
])
def test_a_broken_day_is_refused_naming_file_line_and_field(entry, expected):
    problems = problems_of(f"""
        ward_days:
          - {entry}
    """)

    assert any(expected in p for p in problems), problems


def test_the_starter_calendar_loads_dumps_and_loads_again_unchanged(db, tmp_path):
    catalog_load(directory=settings.CATALOG_DIR)
    assert WardDay.objects.get(code="pension-payday").definition["day"] == 15
    assert WardDay.objects.get(code="sunday-opening").kind == WardDay.Kind.OPEN

    catalog_dump(directory=tmp_path)
    assert "ward_days" in (tmp_path / "calendar.yaml").read_text(encoding="utf-8")
    assert catalog_load(directory=tmp_path).changes == 0
    assert len(catalog_as_yaml_sections()["ward_days"]) == WardDay.objects.count()


def test_a_date_no_calendar_has_is_refused_with_its_line():
    with pytest.raises(YamlSyntaxError) as refused:
        read_yaml("ward_days:\n  - code: x\n    dates: [2026-02-28,\n      2026-02-30]\n", "calendar.yaml")

    assert str(refused.value).startswith("calendar.yaml:4: not a valid date")
