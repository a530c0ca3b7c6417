"""After a full run in which a real-looking individual number is typed and posted everywhere, no
12-digit string passing the check digit is in the database, the logs or the generated PDFs."""

import json
import logging
import re
import unicodedata
from io import BytesIO

import pytest
from django.db import connection
from pypdf import PdfReader

from madoguchi.accounts.services import api_token_get_or_create
from madoguchi.core.mynumber import is_valid_individual_number

from .conftest import MOVE_ANSWERS, twelve_digits_with_check_digit
from .factories import HOUSEHOLD, RESIDENT

pytestmark = pytest.mark.django_db

# Random secrets (hashes, salts, session blobs) are not text anybody typed; they are left out.
SECRET_COLUMNS = {"password", "salt", "session_key", "session_data"}
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])([0-9](?:[ \-]{0,3}[0-9]){11})(?![0-9A-Za-z])")


def individual_numbers_in(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text)
    return [m.group(1) for m in _CANDIDATE.finditer(folded)
            if is_valid_individual_number(re.sub(r"[^0-9]", "", m.group(1)))]


def database_text() -> str:
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                parts.extend(str(v) for c, v in zip(columns, row, strict=True) if c not in SECRET_COLUMNS)
    return "\n".join(parts)


def test_no_individual_number_reaches_the_database_the_logs_or_a_pdf(client, clerk, serving_step, caplog):
    caplog.set_level(logging.DEBUG)
    number = twelve_digits_with_check_digit()
    grouped = f"{number[:4]} {number[4:8]} {number[8:]}"
    visit = serving_step.visit
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_get_or_create(user=clerk).key}"}
    client.force_login(clerk)

    def api_identity(body):
        return client.post(f"/api/v1/visits/{visit.pk}/identity", json.dumps(body, ensure_ascii=False),
                           content_type="application/json", **auth)

    refused = [
        api_identity({"source": "manual", **RESIDENT, "name": f"山田 {number}"}),
        api_identity({"source": "manual", **RESIDENT, "household": [{**HOUSEHOLD[0], "relationship": grouped}]}),
        api_identity({"source": "manual", **RESIDENT, "individual_number": number}),
        api_identity({"source": "manual", **RESIDENT, number: "key"}),
        client.put(f"/api/v1/visits/{visit.pk}/answers", json.dumps({"answers": {"phone": number}}),
                   content_type="application/json", **auth),
        client.post(f"/staff/visits/{visit.pk}/forms/identity", {
            "source": "manual", **RESIDENT, "postal_code": grouped, "household-TOTAL_FORMS": "1",
            "household-INITIAL_FORMS": "0", "household-0-name": number}),
    ]
    assert [r.status_code for r in refused] == [422] * len(refused)
    for response in refused:
        assert not individual_numbers_in(response.content.decode())

    assert api_identity({"source": "manual", **RESIDENT, "household": HOUSEHOLD}).status_code == 201
    client.put(f"/api/v1/visits/{visit.pk}/answers", json.dumps({"answers": MOVE_ANSWERS}, ensure_ascii=False),
               content_type="application/json", **auth)
    refused_answers = client.post(f"/staff/visits/{visit.pk}/forms/answers", {"answers-phone": grouped})
    assert refused_answers.status_code == 422
    pdfs = [client.get(f"/api/v1/visits/{visit.pk}/forms.pdf", **auth).content,
            client.get(f"/staff/visits/{visit.pk}/forms/bundle.pdf").content]

    assert all(pdf.startswith(b"%PDF") for pdf in pdfs)
    pdf_text = "\n".join(page.extract_text() for pdf in pdfs for page in PdfReader(BytesIO(pdf)).pages)
    assert "髙﨑" in pdf_text  # the scan reads real text
    assert individual_numbers_in(pdf_text) == []
    assert individual_numbers_in(database_text()) == []
    assert caplog.records, "the run logged something to scan"
    assert individual_numbers_in(caplog.text) == []
    assert individual_numbers_in(f"x {grouped} x") and individual_numbers_in(number)  # the scan can find one
