"""The bundle read back with pypdf: what a clerk and a resident will see on paper."""

import dataclasses
import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from madoguchi.core.mynumber import contains_individual_number
from madoguchi.prefill.fonts import FALLBACK_FONT, MAIN_FONT, _to_unicode_cmap, unprintable_characters
from madoguchi.prefill.identity import IndividualNumberRefused
from madoguchi.prefill.layouts import forms_for_procedures
from madoguchi.prefill.pdf import AnswersInvalid, TextDoesNotFit, UnprintableText, render_bundle

# The messages are checked in English (they are translated when shown).
pytestmark = pytest.mark.usefixtures("english")

TWELVE = "1234" + "5678" + "9018"


@pytest.fixture(scope="module")
def bundle(ward_forms, identity, household, answers, visit) -> bytes:
    return render_bundle(ward_forms, identity, household, answers, visit)


@pytest.fixture(scope="module")
def pages(bundle) -> list[str]:
    """Each page's text, with line breaks removed (a wrapped address reads as one)."""
    return [page.extract_text().replace("\n", "") for page in PdfReader(BytesIO(bundle)).pages]


def test_the_bundle_has_one_a4_page_per_form(bundle, ward_forms):
    reader = PdfReader(BytesIO(bundle))
    assert len(reader.pages) == len(ward_forms)
    for page in reader.pages:
        width_mm, height_mm = (float(v) * 25.4 / 72 for v in page.mediabox.upper_right)
        assert (round(width_mm), round(height_mm)) == (210, 297)


def test_every_form_carries_the_name_address_and_wareki_birth_date(pages, ward_forms):
    card_address = "東京都板橋区板橋二丁目66番1号　髙島平ハイツ﨑棟101号室"
    for text, form in zip(pages, ward_forms, strict=True):
        assert "髙﨑　𠮷太郎" in text
        assert "昭和52年4月1日" in text
        # No move on this visit: every form prints the card's address as the address now, and the move
        # form (which would print it as the address before a move) prints the new one it was given.
        assert (card_address if form.code != "juki.idou" else "東京都板橋区高島平一丁目2番3号") in text, form.code


@pytest.mark.parametrize(("move", "old_on_forms", "new_on_forms"), [
    ("in", {"juki.idou", "kosodate.jidouteate", "kaigo.shutoku"}, {"juki.idou", "nhi.idou", "kosodate.jidouteate",
                                                                 "kaigo.shutoku", "seal.touroku", "cert.juminhyo"}),
    ("out", {"juki.idou", "nhi.idou", "kosodate.jidouteate", "kaigo.shutoku", "seal.touroku", "cert.juminhyo"},
     {"juki.idou"}),
])
def test_each_form_prints_the_address_it_means(ward_forms, identity, household, answers, visit, move, old_on_forms,
                                               new_on_forms):
    """Moving in, the card shows the old (e.g. Osaka) address: only the forms that ask for the former
    address print it; every form that asks for the address now prints the new one in the ward.
    Moving out, the address now is still the ward's, and only the move form prints the destination."""
    old = "大阪府大阪市北区梅田一丁目1番1号"
    new = "東京都板橋区高島平一丁目2番3号"
    pdf = render_bundle(ward_forms, dataclasses.replace(identity, address=old), household,
                        {**answers, "new_address": new}, dataclasses.replace(visit, move=move))
    texts = {form.code: page.extract_text().replace("\n", "")
             for form, page in zip(ward_forms, PdfReader(BytesIO(pdf)).pages, strict=True)}
    assert {code for code, text in texts.items() if old in text} == old_on_forms
    assert {code for code, text in texts.items() if new in text} == new_on_forms


def test_rare_kanji_survive_text_extraction(pages):
    for text in pages:
        assert {"髙", "﨑", "𠮷"} <= set(text)


def test_each_form_carries_its_title_and_the_ticket_number(pages, ward_forms):
    for text, form in zip(pages, ward_forms, strict=True):
        assert form.title_ja.replace(" ", "") in text.replace(" ", "")
        assert "A-023" in text


def test_dates_of_the_visit_and_answers_print_in_wareki(pages, ward_forms):
    move_page = pages[[f.code for f in ward_forms].index("juki.idou")]
    assert "令和7年11月26日" in move_page and "令和7年11月20日" in move_page


def test_the_pdf_embeds_both_truetype_fonts(bundle):
    reader = PdfReader(BytesIO(bundle))
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor  # TrueType program embedded (subset)
            embedded.add(re.sub(r"^[A-Z]{6}\+", "", str(font["/BaseFont"])))
    assert any(MAIN_FONT.lower() in name.lower().replace("-", "") for name in embedded)
    assert any("sarasa" in name.lower() for name in embedded), embedded


def test_the_child_allowance_form_lists_only_the_children(pages, ward_forms):
    text = pages[[f.code for f in ward_forms].index("kosodate.jidouteate")]
    assert "タカサキ　ヨシオ" in text
    assert "タカサキ　ハナコ" not in text


def test_no_twelve_digit_number_is_in_the_bundle(pages):
    assert not any(contains_individual_number(text) for text in pages)


@pytest.mark.parametrize("where", ["identity", "household", "answers"])
def test_an_individual_number_anywhere_is_refused_before_rendering(ward_forms, identity, household, answers, visit,
                                                                  where):
    spaced = f"{TWELVE[:4]} {TWELVE[4:8]} {TWELVE[8:]}"
    if where == "identity":
        identity = dataclasses.replace(identity, address=f"板橋区 {spaced}")
    elif where == "household":
        household = [dataclasses.replace(household[0], relationship=TWELVE), *household[1:]]
    else:
        answers = {**answers, "purpose": spaced}
    with pytest.raises(IndividualNumberRefused) as refused:
        render_bundle(ward_forms, identity, household, answers, visit)
    assert refused.value.fields[0].startswith(where)


def test_a_missing_required_answer_is_refused_naming_it(ward_forms, identity, household, answers, visit):
    incomplete = {k: v for k, v in answers.items() if k != "moved_on"}
    with pytest.raises(AnswersInvalid) as refused:
        render_bundle(ward_forms, identity, household, incomplete, visit)
    assert refused.value.fields == ["answers.moved_on"]


def test_a_choice_outside_its_choices_is_refused(ward_forms, identity, household, answers, visit):
    with pytest.raises(AnswersInvalid, match="Choose one of: 転入・転居・転出"):
        render_bundle(ward_forms, identity, household, {**answers, "move_kind": "引越"}, visit)


def test_an_impossible_date_answer_is_refused_with_the_era_reason(ward_forms, identity, household, answers, visit):
    with pytest.raises(AnswersInvalid, match="昭和 ended on 昭和64年1月7日"):
        render_bundle(ward_forms, identity, household, {**answers, "moved_on": "S64.1.8"}, visit)


def test_a_character_no_font_has_is_refused_rather_than_dropped(ward_forms, identity, household, answers, visit):
    tangut = "\U00017000"
    with pytest.raises(UnprintableText) as refused:
        render_bundle(ward_forms, dataclasses.replace(identity, name=f"山田{tangut}"), household, answers, visit)
    assert refused.value.characters == [tangut]
    assert "identity.name" in str(refused.value)


def test_unprintable_characters_can_be_checked_at_capture():
    assert unprintable_characters("髙﨑𠮷山田") == []
    assert unprintable_characters("\U00017000") == ["\U00017000"]


def test_an_ideographic_variation_selector_is_dropped_for_printing(ward_forms, identity, household, answers, visit):
    pdf = render_bundle(ward_forms[:1], dataclasses.replace(identity, name="葛\U000e0100城　太郎"), household,
                        answers, visit)
    assert "葛城　太郎" in PdfReader(BytesIO(pdf)).pages[0].extract_text()


def test_a_long_address_wraps_and_shrinks_to_fit(ward_forms, identity, household, answers, visit):
    address = "東京都板橋区高島平一丁目二番三号　髙島平ハイツ﨑棟" + "第二" * 20 + "一〇一号室"
    pdf = render_bundle(ward_forms, dataclasses.replace(identity, address=address), household,
                        {**answers, "new_address": address}, dataclasses.replace(visit, move="within"))
    for page in PdfReader(BytesIO(pdf)).pages:
        assert address in page.extract_text().replace("\n", "")


def test_a_name_too_long_for_its_box_is_refused(ward_forms, identity, household, answers, visit):
    with pytest.raises(TextDoesNotFit, match="does not fit"):
        render_bundle(ward_forms, dataclasses.replace(identity, name="寿限無" * 30), household, answers, visit)


def test_more_members_than_the_table_has_rows_are_refused(ward_forms, identity, household, answers, visit):
    move = forms_for_procedures(ward_forms, ["juki.move_in"])
    with pytest.raises(TextDoesNotFit, match="at most 5 household members, not 6"):
        render_bundle(move, identity, [household[0]] * 6, answers, visit)


def test_the_to_unicode_map_writes_characters_beyond_the_bmp_as_surrogate_pairs():
    cmap = _to_unicode_cmap("F", [0x41, 0x20BB7])
    assert "<00> <0041>" in cmap and "<01> <D842DFB7>" in cmap


def test_the_fallback_font_is_used_only_for_what_the_main_font_lacks():
    from madoguchi.prefill.fonts import fonts

    assert fonts().runs("髙𠮷田") == [(MAIN_FONT, "髙"), (FALLBACK_FONT, "𠮷"), (MAIN_FONT, "田")]
