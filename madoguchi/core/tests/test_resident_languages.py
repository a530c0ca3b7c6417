"""Chinese (simplified), Korean, Vietnamese and Nepali on every resident page, the route sheet and the
status page: every message the resident pages use is translated, every catalogue text a resident reads
has its translation, and the pages, the navigator's result and the route sheet come out in them.

Staff screens stay in Japanese and English (``STAFF_LANGUAGES``)."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog import translations
from madoguchi.core.tests.resident_messages import resident_msgids
from madoguchi.core.tests.test_translations import LOCALE, header, messages, placeholder_errors, read_po

# language code → (locale directory, plural forms)
FURTHER = {"zh-hans": ("zh_Hans", 1), "ko": ("ko", 1), "vi": ("vi", 1), "ne": ("ne", 2)}
PLACEHOLDER = re.compile(r"\{\w*\}")


def _po(code):
    return read_po(LOCALE / FURTHER[code][0] / "LC_MESSAGES" / "django.po")


def _translated(entry) -> bool:
    return entry is not None and bool(entry.msgstr) and all(entry.msgstr.values()) and "fuzzy" not in entry.flags


def test_residents_have_seven_languages_and_staff_two():
    assert settings.RESIDENT_LANGUAGES == ["ja", "en", "ja-easy", "zh-hans", "ko", "vi", "ne"]
    assert settings.STAFF_LANGUAGES == ["ja", "en"]


def test_the_resident_messages_are_the_pages_not_the_staff_screens():
    found = {msgid for _context, msgid in resident_msgids()}
    assert {"Procedure navigator", "Confirmation code", "Counters, in order"} <= found
    assert "Close the day (日計・精算)" not in found and "Staffing plan" not in found


@pytest.mark.parametrize("code", FURTHER)
def test_every_resident_message_is_translated_with_its_placeholders(code):
    locale, plurals = FURTHER[code]
    entries = _po(code)
    by_key = {(e.msgctxt, e.msgid): e for e in messages(entries)}

    missing = sorted(msgid for key in resident_msgids() if not _translated(by_key.get(key)) for msgid in [key[1]])

    assert header(entries).get("Language") == locale
    assert header(entries).get("Plural-Forms", "").startswith(f"nplurals={plurals};")
    assert not missing, f"{len(missing)} resident messages untranslated in {locale} " \
                        f"(scripts/resident_todo.py {locale} lists them): {missing[:5]}"
    assert placeholder_errors(entries, nplurals=plurals) == []


@pytest.mark.parametrize("code", FURTHER)
def test_every_catalogue_text_a_resident_reads_is_translated_with_its_placeholders(code):
    translations.reload()
    table = translations.table(code)
    missing, broken = [], []
    for ja, _en, _easy, path in translations.catalogue_texts():
        if ja not in table:
            missing.append(f"{path.name}: {ja}")
        elif sorted(PLACEHOLDER.findall(ja)) != sorted(PLACEHOLDER.findall(table[ja])):
            broken.append(f"{path.name}: {ja} → {table[ja]}")
    assert not missing, f"{len(missing)} catalogue texts without a {code} translation: {missing[:5]}"
    assert not broken, f"placeholders lost: {broken[:5]}"


def test_a_catalogue_text_without_a_translation_shows_in_english_and_the_written_languages_stay(tmp_path, settings):
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "ko.yaml").write_text("転入届: 전입신고\n", encoding="utf-8")
    settings.CATALOG_DIR = tmp_path
    translations.reload()
    try:
        assert translations.text_in("ko", ja="転入届", en="Moving-in notification") == "전입신고"
        assert translations.text_in("ko", ja="転出届", en="Moving-out notification") == "Moving-out notification"
        assert translations.text_in("ja-easy", ja="転入届", en="x", easy="ひっこし の とどけ") == "ひっこし の とどけ"
        assert translations.text_in("ja-easy", ja="転入届", en="x") == "転入届"
        assert translations.text_in("en", ja="転入届", en="Moving-in notification") == "Moving-in notification"
    finally:
        translations.reload()


@pytest.mark.parametrize("code", FURTHER)
def test_the_compiled_catalogue_speaks_the_language(code):
    entry = next(e for e in messages(_po(code)) if e.msgid == "Procedure navigator")
    with translation.override(code):
        assert translation.gettext("Procedure navigator") == entry.msgstr[0] != "Procedure navigator"


@pytest.mark.django_db
@pytest.mark.parametrize("code", FURTHER)
def test_every_resident_page_opens_in_the_language_with_no_code_showing(code, starter_catalog):
    title = next(e for e in messages(_po(code)) if e.msgid == "Procedure navigator").msgstr[0]
    client = Client()
    for url in ("/", "/navigator/", "/congestion/", "/appointments/", "/preapply/", "/ticket/", "/floors/",
                "/accessibility/"):
        response = client.get(url, {"lang": code})
        body = response.content.decode()
        assert response.status_code == 200, url
        assert f'<html lang="{"zh-Hans" if code == "zh-hans" else code}"' in body, url
        assert title in body, url  # the header's link to the navigator, in the language
        shown = re.sub(r"<script.*?</script>|<[^>]+>", " ", body, flags=re.S)  # text, not attributes
        assert not re.search(r"\b(juki|nhi|cert|kosodate)\.[a-z_]+", shown), url


@pytest.mark.django_db
@pytest.mark.parametrize("code", FURTHER)
def test_the_navigators_result_names_procedures_reasons_and_members_in_the_language(code, starter_catalog):
    from madoguchi.navigator.tests.test_views import FAMILY

    translations.reload()
    table = translations.table(code)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    body = client.post("/navigator/move_in/result/", FAMILY).content.decode()

    assert table["転入届"] in body
    assert table["児童手当 認定請求・額改定"] in body
    # the child's reason is the language's own sentence with the child named in it, not English
    assert "Your child (7)" not in body and "compulsory school age" not in body


@pytest.mark.django_db
def test_the_route_sheet_prints_in_the_visitors_language(starter_catalog):
    from madoguchi.catalog.models import Site
    from madoguchi.reception import services

    clerk = UserFactory(role="reception")
    visit = services.visit_register(site=Site.objects.get(code="honcho"), procedure_codes=["juki.move_in"],
                                    channel="reception", needs=["interpreter"], interpreter_language="vi",
                                    registered_by=clerk)
    client = Client()
    client.force_login(clerk)
    vi_title = next(e for e in messages(_po("vi")) if e.msgid == "Counters, in order").msgstr[0]
    ko_title = next(e for e in messages(_po("ko")) if e.msgid == "Counters, in order").msgstr[0]

    body = client.get(f"/staff/visits/{visit.pk}/sheet/").content.decode()
    assert vi_title in body and 'lang="vi"' in body  # the interpreter language, by default
    assert "次の方" in body or "受付" in body  # the clerk's tools stay Japanese
    assert "?lang=vi" in body  # the QR opens the status page in Vietnamese

    body = client.get(f"/staff/visits/{visit.pk}/sheet/", {"lang": "ko"}).content.decode()
    assert ko_title in body and translations.table("ko")["転入届"] in body


@pytest.mark.django_db
@pytest.mark.parametrize("code", FURTHER)
def test_a_staff_screen_never_shows_in_a_resident_only_language(code):
    client = Client()
    client.force_login(UserFactory(role="reception"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    body = client.get("/staff/").content.decode()
    assert '<html lang="en"' in body
