"""The form changes of issue 13, on the ward's real forms read back from the PDF: 本籍・筆頭者 and
国籍・在留資格・在留カード番号 on the move form with a 世帯変更 option, the householder apart from the
person at the counter on the NHI form, the university-age children and the former address on the
child allowance claim, the agent on the seal registration. Every new answer is optional."""

from dataclasses import replace
from io import BytesIO

import pytest
from pypdf import PdfReader

from madoguchi.prefill.answers import answer_specs, missing_answers
from madoguchi.prefill.layouts import forms_for_procedures
from madoguchi.prefill.pdf import render_bundle

NEW_ANSWERS = {
    "honseki": "東京都板橋区板橋二丁目66番地", "hittousha": "髙﨑　𠮷太郎", "nationality": "ベトナム",
    "residence_status": "技術・人文知識・国際業務", "residence_card_number": "AB12345678CD",
    "household_change": "世帯主変更", "householder_name": "髙﨑　花子", "householder_relation": "夫",
    "older_child_1_name": "髙﨑　一郎",
    "older_child_1_birth_date": "2005-05-05", "agent_name": "髙﨑　花子", "agent_birth_date": "1980-02-03",
    "agent_address": "東京都板橋区板橋二丁目66番1号",
}


@pytest.fixture(scope="module")
def texts(ward_forms, identity, household, answers, visit) -> dict[str, str]:
    moving_in = replace(visit, move="in")  # the former address is the card's: nobody types it again
    bundle = render_bundle(ward_forms, identity, household, {**answers, **NEW_ANSWERS}, moving_in)
    pages = [page.extract_text().replace("\n", "") for page in PdfReader(BytesIO(bundle)).pages]
    return {form.code: text for form, text in zip(ward_forms, pages, strict=True)}


def identity_address_in(text: str) -> bool:
    return "東京都板橋区板橋二丁目66番1号" in text


def test_the_move_form_has_the_registered_domicile_and_the_residence_card(texts):
    move = texts["juki.idou"]
    for printed in ("本籍", "筆頭者", "東京都板橋区板橋二丁目66番地", "在留資格", "技術・人文知識・国際業務",
                    "AB12345678CD", "ベトナム"):
        assert printed in move, printed


def test_the_move_form_serves_a_change_of_household(ward_forms):
    chosen = forms_for_procedures(ward_forms, ["juki.householder_change"])
    assert [f.code for f in chosen] == ["juki.idou"]
    kind = next(s for s in answer_specs(chosen) if s.key == "move_kind")
    assert "世帯変更" in kind.choices


def test_the_nhi_form_names_the_householder_apart_from_the_person_at_the_counter(texts):
    nhi = texts["nhi.idou"]
    assert "届出人（窓口に来た方）" in nhi
    assert "髙﨑　花子" in nhi and "世帯主との関係" in nhi


def test_the_child_allowance_claim_has_the_university_age_children_and_the_former_address(texts):
    claim = texts["kosodate.jidouteate"]
    assert "大学生年代の子" in claim and "髙﨑　一郎" in claim and "平成17年5月5日" in claim
    assert "前住所" in claim and identity_address_in(claim)


def test_the_seal_registration_has_the_agents_fields(texts):
    seal = texts["seal.touroku"]
    assert "代理人氏名" in seal and "東京都板橋区板橋二丁目66番1号" in seal and "昭和55年2月3日" in seal


def test_every_new_answer_is_optional(ward_forms):
    specs = {s.key: s for s in answer_specs(ward_forms)}
    assert not any(specs[key].required for key in NEW_ANSWERS)
    chosen = forms_for_procedures(ward_forms, ["juki.move_in", "nhi.enroll", "kosodate.child_allowance",
                                               "seal.register"])
    assert not {s.key for s in missing_answers(chosen, {})} & set(NEW_ANSWERS)
