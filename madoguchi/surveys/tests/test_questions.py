import re

import pytest

from madoguchi.catalog.surveys import read_surveys
from madoguchi.core.errors import DomainError
from madoguchi.surveys.questions import asked, clean_answers, mask_personal


@pytest.fixture(scope="module")
def definition(request):
    from django.conf import settings

    return read_surveys(settings.CATALOG_DIR / "surveys")[0].entry.definition()


def test_the_follow_up_questions_are_asked_only_when_their_condition_holds(definition):
    first = {q.code for q in asked(definition, {})}
    assert "aware_prefill" in first and "convenience_prefill" not in first and "reason_not_used" not in first
    later = {q.code for q in asked(definition, {"aware_prefill": "used", "aware_online": "knew_not_used"})}
    assert {"convenience_prefill", "reason_not_used"} <= later
    assert "convenience_online" not in later


def test_the_first_page_shows_at_most_twelve_questions(definition):
    assert len(asked(definition, {})) <= 12


def test_answers_are_checked_and_every_problem_names_its_question(definition):
    with pytest.raises(DomainError) as caught:
        clean_answers(definition, {"satisfaction": 9, "aware_prefill": "maybe", "shoe_size": 27,
                                   "convenience_cashless": 3})
    assert set(caught.value.fields) == {"answers.satisfaction", "answers.aware_prefill", "answers.shoe_size",
                                        "answers.convenience_cashless"}


def test_a_required_question_left_out_is_refused(definition):
    with pytest.raises(DomainError) as caught:
        clean_answers(definition, {"aware_prefill": "not_known"})
    assert caught.value.fields == ["answers.satisfaction"]


def test_an_oversized_comment_is_refused_with_its_length(definition):
    with pytest.raises(DomainError) as caught:
        clean_answers(definition, {"satisfaction": 3, "comment": "あ" * 1001})
    assert caught.value.fields == ["answers.comment"]


def test_valid_answers_come_back_in_their_kinds(definition):
    cleaned = clean_answers(definition, {"satisfaction": "4", "learnt": ["staff", "website", "staff"],
                                         "aware_prefill": "used", "convenience_prefill": 5, "comment": " 良い "})
    assert cleaned == {"satisfaction": 4, "learnt": ["website", "staff"], "aware_prefill": "used",
                       "convenience_prefill": 5, "comment": "良い"}


@pytest.mark.parametrize("text", [
    "電話 090-1234-5678 まで", "０３（１２３４）５６７８に", "mail: taro.yamada@example.co.jp", "番号 1234 5678 9012",
    "123456789012",
])
def test_phone_numbers_mail_addresses_and_twelve_digit_numbers_are_masked(text):
    masked = mask_personal(text)
    assert "＊＊＊" in masked
    assert not re.search(r"\d|@", masked), masked


def test_ordinary_numbers_in_a_comment_are_kept():
    assert mask_personal("30分待ちました。3番窓口は親切でした") == "30分待ちました。3番窓口は親切でした"
