"""Shared data for the prefill tests: the ward's real forms and a household with rare kanji."""

from datetime import date
from pathlib import Path

import pytest

from madoguchi.catalog.schema import parse_catalog
from madoguchi.catalog.yamlsource import read_yaml
from madoguchi.prefill.fill import VisitInfo
from madoguchi.prefill.identity import validate_household, validate_identity
from madoguchi.prefill.layouts import load_forms

REPO = Path(__file__).resolve().parents[3]
CATALOG = REPO / "catalog"
TODAY = date(2025, 11, 26)


def starter_procedure_codes() -> set[str]:
    sources = [read_yaml(p.read_text(encoding="utf-8"), p.name) for p in sorted(CATALOG.glob("*.yaml"))]
    return {p.code for p in parse_catalog(sources).procedures}


@pytest.fixture(scope="session")
def procedure_codes() -> set[str]:
    return starter_procedure_codes()


@pytest.fixture(scope="session")
def ward_forms(procedure_codes):
    return load_forms(CATALOG / "forms", procedure_codes=procedure_codes)


@pytest.fixture(scope="session")
def identity():
    return validate_identity({
        "name": "髙﨑　𠮷太郎", "name_kana": "たかさき　よしたろう", "birth_date": "S52.4.1", "sex": 1,
        "postal_code": "1738501", "address": "東京都板橋区板橋二丁目66番1号　髙島平ハイツ﨑棟101号室",
    }, today=TODAY)


@pytest.fixture(scope="session")
def household():
    return validate_household([
        {"name": "髙﨑　𠮷太郎", "name_kana": "タカサキ　ヨシタロウ", "birth_date": "S52.4.1", "sex": 1,
         "relationship": "世帯主"},
        {"name": "髙﨑　花子", "name_kana": "タカサキ　ハナコ", "birth_date": "1980-02-03", "sex": 2,
         "relationship": "妻"},
        {"name": "髙﨑　𠮷男", "name_kana": "タカサキ　ヨシオ", "birth_date": "R2.6.7", "sex": 1, "relationship": "子"},
    ], today=TODAY)


@pytest.fixture(scope="session")
def visit():
    return VisitInfo(date=TODAY, ticket_number="A-023")


@pytest.fixture(scope="session")
def answers():
    """A complete set of answers for every form of the starter catalogue."""
    return {
        "move_kind": "転入", "moved_on": "R7.11.20", "new_address": "東京都板橋区高島平一丁目2番3号",
        "phone": "03-3964-1111", "applicant_relation": "本人",
        "nhi_kind": "資格取得（加入）", "nhi_changed_on": "R7.11.20", "nhi_reason": "転入",
        "pension_type": "国民年金", "bank_name": "いたばし銀行", "branch_name": "本店", "account_type": "普通",
        "account_number": "1234567",
        "kaigo_acquired_on": "2025-11-20", "kaigo_reason": "転入", "care_certified": "なし",
        "seal_applicant": "本人", "seal_id_document": "マイナンバーカード",
        "relation_to_subject": "本人", "cert_kind": "住民票の写し", "cert_scope": "世帯全員", "copies": "2",
        "show_relationship": "記載", "show_domicile": "省略", "purpose": "勤務先に提出",
    }


# --- database fixtures: a registered visit at the ward's counters -----------------------------------

# What a move-in with National Health Insurance asks (juki.idou and nhi.idou), 和暦 and Western dates.
MOVE_ANSWERS = {
    "move_kind": "転入", "moved_on": "R7.11.20", "new_address": "東京都板橋区高島平一丁目2番3号",
    "nhi_kind": "資格取得（加入）", "nhi_changed_on": "2025-11-20", "nhi_reason": "転入", "phone": "03-3964-1111",
}
MOVE_PROCEDURES = ["juki.move_in", "nhi.enroll"]


def twelve_digits_with_check_digit(body: str = "12345678901") -> str:
    """A number that passes the individual-number check digit (a real-looking one, for refusal tests)."""
    from madoguchi.core.mynumber import is_valid_individual_number

    return next(body + str(d) for d in range(10) if is_valid_individual_number(body + str(d)))


@pytest.fixture
def move_visit(starter_catalog):
    from madoguchi.reception.tests.factories import VisitFactory

    return VisitFactory(procedures=MOVE_PROCEDURES)


@pytest.fixture
def serving_step(move_visit, clerk):
    """The visit called to the clerk's desk at the resident-record counter (its first Step)."""
    from madoguchi.reception.tests.factories import StepFactory

    step = StepFactory(visit=move_visit, clerk=clerk)
    assert step.counter.code == "koseki-move"
    return step
