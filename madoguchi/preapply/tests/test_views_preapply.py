"""The pre-application pages: the resident's form keeps nothing; reception opens, refuses or registers codes."""

import html
import logging
import random
import re
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from madoguchi.accounts.tests.factories import UserFactory, logged_in
from madoguchi.audit.models import PersonalDataAccess
from madoguchi.catalog.models import Site
from madoguchi.core.roles import Role
from madoguchi.preapply import base45, keys, sealed
from madoguchi.preapply.models import RedeemedPreapplication
from madoguchi.preapply.refusals import CODE_MESSAGES
from madoguchi.prefill import services as prefill
from madoguchi.prefill.models import VisitIdentity
from madoguchi.reception.models import Visit

from .conftest import HOUSEHOLD, MOVE_ANSWERS, MOVE_PROCEDURES, RESIDENT

pytestmark = pytest.mark.django_db


def table_rows() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def form_data(*, procedures=MOVE_PROCEDURES, identity=RESIDENT, household=HOUSEHOLD, answers=MOVE_ANSWERS,
              action="submit", life_event="move_in") -> dict:
    data = {"procedures": list(procedures), "life_event": life_event, "action": action,
            "household-TOTAL_FORMS": str(len(household)), "household-INITIAL_FORMS": "0",
            "household-MIN_NUM_FORMS": "0", "household-MAX_NUM_FORMS": "10"}
    data.update({key: str(value) for key, value in identity.items()})
    for index, member in enumerate(household):
        data.update({f"household-{index}-{key}": str(value) for key, value in member.items()})
    data.update({f"answers-{key}": value for key, value in answers.items()})
    return data


def codes_on(response) -> list[str]:
    return [html.unescape(text) for text in re.findall(r'data-code="([^"]+)"', response.content.decode())]


def submit(client, **changes):
    return client.post("/preapply/form/", form_data(**changes))


@pytest.fixture
def resident(starter_catalog, office_keys):
    return Client()


@pytest.fixture
def reception_client(starter_catalog, office_keys):
    client = Client()
    logged_in(client, Role.RECEPTION)
    return client


def make_codes(resident_client, **changes) -> list[str]:
    response = submit(resident_client, **changes)
    assert response.status_code == 200, response.content.decode()[:2000]
    return codes_on(response)


# --- the resident's side --------------------------------------------------------------------------


def test_a_navigator_result_arrives_with_its_procedures_ticked(resident):
    response = resident.get("/preapply/", {"nav": "MDGNAV1|move_in|2025-11-20|juki.move_in,nhi.enroll"})
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'value="juki.move_in" id="p-juki.move_in" checked', page)
    assert re.search(r'value="nhi.enroll" id="p-nhi.enroll" checked', page)
    assert not re.search(r'value="koseki.birth" id="p-koseki.birth" checked', page)
    assert 'name="life_event" value="move_in"' in page


def test_the_form_asks_what_the_procedures_forms_ask(resident):
    response = resident.post("/preapply/form/", {"procedures": MOVE_PROCEDURES, "action": "start"})
    page = response.content.decode()
    for key in ("move_kind", "moved_on", "new_address", "nhi_kind", "nhi_reason", "phone"):
        assert f'name="answers-{key}"' in page
    assert 'name="household-0-name"' in page and 'autocomplete="name"' in page


def test_submitting_makes_sealed_codes_and_keeps_nothing(resident, caplog):
    before = table_rows()
    with caplog.at_level(logging.DEBUG):
        response = submit(resident)
    assert response.status_code == 200
    assert table_rows() == before, "a pre-application must leave no row anywhere"
    assert "no-store" in response["Cache-Control"]
    texts = codes_on(response)
    key_id = next(iter(keys.private_keys()))
    assert texts and all(t.startswith(f"MDGPRE1:{key_id}:") for t in texts)
    opened = sealed.unseal(texts, private_keys=keys.private_keys(), now=datetime.now(UTC), max_age=timedelta(days=14))
    assert opened.content["identity"]["name"] == RESIDENT["name"]
    assert opened.content["answers"]["moved_on"] == "2025-11-20"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert RESIDENT["name"] not in logged and RESIDENT["address"] not in logged
    assert response.content.decode().count('class="preapply-qr"') == len(texts)


def test_a_getting_the_form_page_starts_again(resident):
    assert resident.get("/preapply/form/").url == "/preapply/"


def test_missing_and_wrong_answers_are_shown_beside_their_fields(resident):
    answers = {**MOVE_ANSWERS, "moved_on": "R7.13.1"}
    del answers["new_address"]
    before = table_rows()
    response = submit(resident, answers=answers, identity={**RESIDENT, "birth_date": ""})
    page = response.content.decode()
    assert response.status_code == 422 and 'id="error-summary"' in page
    assert 'href="#id_answers-moved_on"' in page and 'href="#id_answers-new_address"' in page
    assert 'href="#id_birth_date"' in page
    assert not codes_on(response) and table_rows() == before


def test_a_twelve_digit_number_is_refused_and_never_shown_again(resident):
    number = "1234 5678 9018"
    response = submit(resident, answers={**MOVE_ANSWERS, "phone": number},
                      household=[{**HOUSEHOLD[0], "name_kana": "123456789018"}])
    page = response.content.decode()
    assert response.status_code == 422
    assert "5678" not in page and "123456789018" not in page
    assert "answers.phone" in page or "個人番号" in page
    assert not codes_on(response)


def test_adding_a_person_keeps_what_was_typed(resident):
    response = submit(resident, action="add_member")
    page = response.content.decode()
    assert 'name="household-2-name"' in page and 'value="髙﨑　花子"' in page
    assert 'value="東京都板橋区高島平一丁目2番3号"' in page
    assert 'id="error-summary"' not in page


def test_the_form_is_protected_against_cross_site_posts(starter_catalog, office_keys):
    response = Client(enforce_csrf_checks=True).post("/preapply/form/", form_data())
    assert response.status_code == 403


def test_without_a_public_key_the_resident_is_told_and_nothing_is_kept(resident, settings, tmp_path):
    settings.PREAPPLY_PUBLIC_KEY_FILE = tmp_path / "missing.key"
    response = submit(resident)
    assert response.status_code == 503 and not codes_on(response)


# --- reception ------------------------------------------------------------------------------------


def scan(clerk_client, *texts, parts=()):
    response = None
    for text in texts:
        response = clerk_client.post("/staff/preapplications/", {"code": text, "part": list(parts), "action": "scan"})
        parts = re.findall(r'name="part" value="([^"]+)"', response.content.decode())
        parts = [html.unescape(p) for p in parts]
    return response, parts


def test_reception_reads_a_code_registers_the_visit_and_the_forms_print_filled_in(resident, reception_client):
    texts = make_codes(resident)
    response, parts = scan(reception_client, *texts)
    page = response.content.decode()
    assert response.status_code == 200 and "髙﨑　𠮷太郎" in page and "東京都板橋区高島平一丁目2番3号" in page
    assert PersonalDataAccess.objects.filter(subject_type="preapply.code").count() == 1
    assert not Visit.objects.exists()

    site = Site.objects.get(code="honcho")
    response = reception_client.post("/staff/preapplications/register",
                                     {"part": parts, "site": site.pk, "needs": ["hearing"]})
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == f"/staff/visits/{visit.pk}/sheet/"
    assert visit.channel == "preapplication" and visit.ticket_number.startswith("P-")
    assert visit.needs == ["hearing"] and visit.life_event == "move_in"
    codes = {p.code for s in visit.steps.all() for p in s.procedures.all()}
    assert codes == set(MOVE_PROCEDURES)
    identity = VisitIdentity.objects.get(visit=visit)
    assert (identity.source, identity.name, identity.postal_code) == ("preapplication", RESIDENT["name"], "173-8501")
    assert len(identity.household) == 2 and identity.answers["moved_on"] == "2025-11-20"
    assert RedeemedPreapplication.objects.get().visit == visit

    pdf = prefill.forms_render(visit=visit, actor=UserFactory(role=Role.RECEPTION))
    pages = [p.extract_text().replace("\n", "") for p in PdfReader(BytesIO(pdf)).pages]
    assert len(pages) == 2
    for text in pages:
        assert RESIDENT["name"] in text and "昭和52年4月1日" in text
    assert "東京都板橋区高島平一丁目2番3号" in pages[0] and "令和7年11月20日" in pages[0]
    move_form, nhi_form = pages
    # The counter's page and the pre-application agree: the applicant heads the people moving once,
    # even when the resident also typed themselves among the people concerned; the spouse follows.
    assert move_form.count(RESIDENT["name"]) == 2  # 届出人 and the first row of 異動する人
    assert "髙﨑　花子" in move_form and "髙﨑　花子" in nhi_form
    assert RESIDENT["address"] in move_form and RESIDENT["address"] not in nhi_form  # 前の住所 on the move form only


def test_the_same_code_registers_one_visit_only(resident, reception_client):
    texts = make_codes(resident)
    _response, parts = scan(reception_client, *texts)
    site = Site.objects.get(code="honcho")
    reception_client.post("/staff/preapplications/register", {"part": parts, "site": site.pk})
    visit = Visit.objects.get()
    response, _parts = scan(reception_client, *texts)
    assert visit.ticket_number in response.content.decode() and 'id="register-preapplication"' not in \
        response.content.decode()
    response = reception_client.post("/staff/preapplications/register", {"part": parts, "site": site.pk})
    assert response.status_code == 422 and Visit.objects.count() == 1


def random_kanji(rng: random.Random, length: int) -> str:
    return "".join(chr(rng.randrange(0x4E00, 0x9FA0)) for _ in range(length))


def test_a_code_in_several_parts_is_read_part_by_part(resident, reception_client):
    rng = random.Random(6)
    household = [{"name": f"{random_kanji(rng, 4)}　{random_kanji(rng, 6)}", "name_kana": "タロウ",
                  "birth_date": f"19{60 + i}-0{1 + i % 9}-1{i}", "sex": 1 + i % 2, "relationship": random_kanji(rng, 2)}
                 for i in range(10)]
    answers = {**MOVE_ANSWERS, "new_address": "東京都板橋区" + random_kanji(rng, 60)}
    texts = make_codes(resident, household=household, answers=answers)
    assert len(texts) >= 2
    response, parts = scan(reception_client, texts[-1])
    page = response.content.decode()
    assert 'id="scan-progress"' in page and len(parts) == 1
    response, parts = scan(reception_client, *texts[:-1], parts=parts)
    assert household[9]["name"] in response.content.decode()


def refusal_of(clerk_client, texts) -> str:
    before = table_rows()
    response, _parts = scan(clerk_client, *texts)
    assert response.status_code == 422
    assert table_rows() == before, "nothing may be stored from a refused code"
    match = re.search(r'id="scan-error" data-reason="(\w*)"><p>(.+?)</p>', response.content.decode(), re.S)
    assert match, "the refusal is shown with its message"
    reason, message = match.group(1), html.unescape(match.group(2))
    with translation.override("ja"):
        expected = str(CODE_MESSAGES.get(reason, ""))
    if reason == "expired":
        expected = expected % {"days": 14}
    assert message.startswith(expected) or (reason == "not_a_code" and message.strip()), message
    return reason


def test_a_tampered_code_is_refused_with_a_message(resident, reception_client):
    text = make_codes(resident)[0]
    fields = text.split(":", 5)
    box = bytearray(base45.decode(fields[5]))
    box[40] ^= 0xFF
    forged = ":".join([*fields[:2], sealed._short_id(bytes(box)), *fields[3:5], base45.encode(bytes(box))])
    assert refusal_of(reception_client, [forged]) == "tampered"
    data = fields[5]
    swapped = ":".join([*fields[:5], data[:10] + ("1" if data[10] != "1" else "2") + data[11:]])
    assert refusal_of(reception_client, [swapped]) in ("tampered", "damaged")


def test_a_truncated_code_is_refused_with_a_message(resident, reception_client):
    text = make_codes(resident)[0]
    assert refusal_of(reception_client, [text[: len(text) // 2]]) == "truncated"


def test_an_expired_code_is_refused_with_a_message(resident, reception_client, office_keys):
    old = sealed.seal(_content(resident), public_key=office_keys.public_key,
                      created_at=datetime.now(UTC) - timedelta(days=15))
    assert refusal_of(reception_client, old) == "expired"


def test_a_code_made_for_another_office_is_refused_with_a_message(resident, reception_client, foreign_pair):
    texts = sealed.seal(_content(resident), public_key=foreign_pair.public_key, created_at=datetime.now(UTC))
    assert refusal_of(reception_client, texts) == "unknown_key"


def test_a_navigator_code_is_sent_to_the_reception_page(reception_client):
    assert refusal_of(reception_client, ["MDGNAV1|move_in|2025-11-20|juki.move_in"]) == "not_a_code"


def test_a_well_sealed_code_with_forged_content_is_refused(reception_client, office_keys):
    content = {"procedures": ["juki.move_in"], "life_event": "", "identity": {"name": "x"}, "household": [],
               "answers": {}}
    texts = sealed.seal(content, public_key=office_keys.public_key, created_at=datetime.now(UTC))
    assert refusal_of(reception_client, texts) == "invalid"


def _content(resident_client) -> dict:
    texts = make_codes(resident_client)
    return sealed.unseal(texts, private_keys=keys.private_keys(), now=datetime.now(UTC),
                         max_age=timedelta(days=14)).content


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(payload=st.one_of(
    st.text(max_size=400),
    st.text(alphabet=base45.ALPHABET, max_size=400).map(lambda t: "MDGPRE1:" + t),
    st.builds(lambda kid, set_id, n, t, length, data: f"MDGPRE1:{kid}:{set_id}:{n}/{t}:{length}:{data}",
              st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=8, max_size=8),
              st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=8, max_size=8),
              st.integers(0, 9), st.integers(0, 9), st.integers(0, 5000), st.text(alphabet=base45.ALPHABET,
                                                                                    max_size=600)),
), parts=st.lists(st.text(max_size=100), max_size=2))
def test_random_payloads_at_the_decoder_never_fail_the_page_and_store_nothing(reception_client, payload, parts):
    before = table_rows()
    response = reception_client.post("/staff/preapplications/", {"code": payload, "part": parts, "action": "scan"})
    assert response.status_code in (200, 422)
    response = reception_client.post("/staff/preapplications/register", {"part": [*parts, payload], "site": "1"})
    assert response.status_code in (302, 422)
    assert table_rows() == before
