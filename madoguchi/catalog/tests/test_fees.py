"""Fees as catalogue data: fee items with their revenue item (歳入科目), exemption reasons, and which
procedures are paid at the cashier (会計窓口). Checked on load, every refusal with its place."""

import textwrap

import pytest
import yaml

from madoguchi.catalog.models import Counter, FeeExemption, FeeItem, Procedure, RevenueItem
from madoguchi.catalog.schema import CatalogInvalid, parse_catalog
from madoguchi.catalog.yamlsource import read_yaml

BASE = """\
sites:
  - {code: main, name_ja: 本庁舎, name_en: Main, kind: main}
departments:
  - {code: koseki, name_ja: 戸籍住民課, name_en: Records}
counters:
  - {code: cert, site: main, floor: 1, number: "3", department: koseki, name_ja: 証明, name_en: Certificates}
revenue_items:
  - {code: koseki, account_code: "13-02-01-02", name_ja: 戸籍手数料, name_en: Family register fees}
"""
PROCEDURE = """\
procedures:
  - {code: cert.koseki, name_ja: 戸籍証明書, name_en: Family register, department: koseki, counters: [cert],
     handling_minutes: 10, fee_yen: 450}
"""
FEES = """\
fee_items:
  - {code: koseki.full, procedure: cert.koseki, yen: 450, revenue: koseki, name_ja: 戸籍証明書, name_en: Full}
  - {code: koseki.removed, procedure: cert.koseki, yen: 750, revenue: koseki, name_ja: 除籍, name_en: Removed}
"""


def parse(*texts: str):
    return parse_catalog([read_yaml(textwrap.dedent(t), f"f{i}.yaml") for i, t in enumerate(texts)])


def problems_of(*texts: str) -> list[str]:
    with pytest.raises(CatalogInvalid) as refused:
        parse(*texts)
    return [str(p) for p in refused.value.problems]


def test_fee_items_and_exemptions_parse():
    data = parse(BASE, PROCEDURE, FEES, """
        fee_exemptions:
          - {code: public_request, name_ja: 公用請求, name_en: Official request, note_required: true}
          - {code: pension_claim, name_ja: 年金請求, name_en: Pension claim, fee_items: [koseki.full]}
    """)
    assert [(f.code, f.yen) for f in data.fee_items] == [("koseki.full", 450), ("koseki.removed", 750)]
    assert [e.code for e in data.fee_exemptions] == ["public_request", "pension_claim"]


def test_a_fee_without_a_fee_item_is_refused_at_its_fee():
    problems = problems_of(BASE, PROCEDURE)
    assert problems == ["f1.yaml:3: procedures[0].fee_yen: a fee of 450 yen needs a fee item "
                        "(fee_items with procedure: cert.koseki)"]


def test_the_headline_fee_must_be_the_first_fee_items_amount():
    problems = problems_of(BASE, PROCEDURE.replace("fee_yen: 450", "fee_yen: 400"), FEES)
    assert problems == ["f1.yaml:3: procedures[0].fee_yen: 400 yen differs from the first fee item "
                        "'koseki.full' (450 yen)"]


def test_an_unknown_revenue_item_and_fee_item_are_named_with_their_line():
    fees = FEES.replace("revenue: koseki, name_ja: 除籍", "revenue: kosek, name_ja: 除籍")
    problems = problems_of(BASE, PROCEDURE, fees, """
        fee_exemptions:
          - {code: pension_claim, name_ja: 年金請求, name_en: Pension claim, fee_items: [koseki.ful]}
    """)
    assert problems == [
        "f2.yaml:3: fee_items[1].revenue: unknown revenue item 'kosek'",
        "f3.yaml:3: fee_exemptions[0].fee_items[0]: unknown fee item 'koseki.ful'",
    ]


def test_paid_at_the_cashier_needs_a_cashier_counter():
    problems = problems_of(BASE, PROCEDURE.replace("fee_yen: 450}", "fee_yen: 450, paid_at: cashier}"), FEES)
    assert problems == ["f1.yaml:3: procedures[0].paid_at: paid at the cashier, but no counter is a cashier "
                        "(cashier: true)"]


def test_a_site_has_one_cashier_at_most():
    cashiers = """
        counters:
          - {code: pay1, site: main, floor: 1, number: "8", department: koseki, cashier: true,
             name_ja: 会計1, name_en: P1}
          - {code: pay2, site: main, floor: 1, number: "9", department: koseki, cashier: true,
             name_ja: 会計2, name_en: P2}
    """
    problems = problems_of(BASE, PROCEDURE, FEES, cashiers)
    assert problems == ["f3.yaml:5: counters[1].cashier: site 'main' already has a cashier counter ('pay1')"]


def test_paid_at_must_be_counter_or_cashier():
    problems = problems_of(BASE, PROCEDURE.replace("fee_yen: 450}", "fee_yen: 450, paid_at: bank}"), FEES)
    assert problems[0] == "f1.yaml:3: procedures[0].paid_at: Input should be 'counter' or 'cashier'"


@pytest.mark.django_db
def test_the_starter_catalogue_carries_the_fees_the_issue_names(starter_catalog):
    by_code = {f.code: f for f in FeeItem.objects.select_related("procedure", "revenue_item")}
    assert {code: f.amount_yen for code, f in by_code.items() if f.procedure.code == "cert.koseki"} == {
        "koseki.full": 450, "koseki.removed": 750, "koseki.acceptance": 350}
    assert by_code["juminhyo"].amount_yen == 300
    assert all(f.revenue_item.account_code for f in by_code.values())
    for procedure in Procedure.objects.filter(fee_yen__gt=0):
        assert procedure.fee_items.order_by("sort_order").first().amount_yen == procedure.fee_yen
    public = FeeExemption.objects.get(code="public_request")
    assert public.note_required and not public.fee_items.exists()  # every fee
    assert Procedure.objects.get(code="cert.koseki").paid_at_cashier
    assert not Procedure.objects.get(code="cert.juminhyo").paid_at_cashier
    cashiers = Counter.objects.filter(is_cashier=True)
    assert [(c.code, c.site.code) for c in cashiers] == [("kaikei", "honcho")]
    assert RevenueItem.objects.count() == 4


@pytest.mark.django_db
def test_a_procedures_counters_keep_the_catalogues_preference_order(starter_catalog, settings, tmp_path):
    """Routing prefers the counters in the order the catalogue lists them: the rows keep that order
    (through a dump and a load too), whatever the counters' ids."""
    from django.core.cache import cache

    from madoguchi.catalog.selectors import routing_index
    from madoguchi.catalog.services import catalog_dump, catalog_load

    assert [c.code for c in routing_index()["cert.tax"].counters] == ["koseki-cert", "kazei", "kita-cert",
                                                                      "nishi-cert"]
    catalog_dump(directory=tmp_path / "dump")
    assert catalog_load(directory=tmp_path / "dump").changes == 0
    path = tmp_path / "dump" / "procedures.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    cert_tax = next(p for p in data["procedures"] if p["code"] == "cert.tax")
    assert cert_tax["counters"][:2] == ["koseki-cert", "kazei"]
    # The tax counter first now (its id is the larger one: an order by id would not give this).
    cert_tax["counters"] = ["kazei", "koseki-cert", "kita-cert", "nishi-cert"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    assert catalog_load(directory=tmp_path / "dump").changes == 1
    cache.clear()
    assert [c.code for c in routing_index()["cert.tax"].counters][:2] == ["kazei", "koseki-cert"]
