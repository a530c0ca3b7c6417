"""Furigana on the やさしい日本語 pages: readings above the kanji kept, never inside attributes or the title."""

import re

import pytest
from django.test import Client

from madoguchi.core.furigana import annotate_html, annotate_text


def test_a_word_with_kanji_gets_its_reading_and_its_okurigana_stays_plain():
    assert annotate_text("写しを取る") == ("<ruby>写<rp>（</rp><rt>うつ</rt><rp>）</rp></ruby>しを"
                                      "<ruby>取<rp>（</rp><rt>と</rt><rp>）</rp></ruby>る")
    assert "<rt>にん</rt>" in annotate_text("3人") and "<rt>ひと</rt>" in annotate_text("ほかの 人")


def test_a_reading_already_given_and_text_without_kanji_are_left_alone():
    assert annotate_text("世帯主（せたいぬし）") == "世帯主（せたいぬし）"
    assert annotate_text("まどぐち A &amp; B") == "まどぐち A &amp; B"


def test_only_text_is_annotated_never_attributes_titles_options_or_scripts():
    page = ('<html><head><title>住所</title></head><body><p title="住所">住所</p><option>住所</option>'
            '<textarea>住所</textarea><p>A &amp; 住所</p></body></html>')
    out = annotate_html(page)
    assert out.count("<ruby>") == 2
    assert "<title>住所</title>" in out and 'title="住所"' in out and "<option>住所</option>" in out


@pytest.mark.django_db
def test_easy_japanese_pages_have_furigana_and_japanese_pages_have_none(starter_catalog):
    easy = Client().get("/floors/?lang=ja-easy").content.decode()
    plain = Client().get("/floors/?lang=ja").content.decode()
    assert "<ruby>" in easy and "<ruby>" not in plain
    assert not re.search(r"<title>[^<]*<ruby>", easy)
