"""One guard for every text a person can type: every form field and every string field of the API,
with the same list of shapes of an individual number, and the places the review found it slipping
in (the handoff memo, the life event, the interpreter language, the login name).

After each refusal nothing holding the number may be anywhere in the database.
"""

import importlib
import json
import pkgutil
import sys
import unicodedata
from datetime import date

import pytest
from django import forms
from django.apps import apps
from django.db import connection
from django.test import Client

import madoguchi
from madoguchi.accounts.services import api_token_get_or_create
from madoguchi.accounts.tests.factories import PASSWORD, UserFactory, logged_in
from madoguchi.core.forms import GuardedFormMixin
from madoguchi.core.mynumber import is_valid_individual_number
from madoguchi.core.roles import Role
from madoguchi.core.text import has_control_characters
from madoguchi.reception.models import Step
from madoguchi.reception.tests.factories import StepFactory, VisitFactory


def _valid(body: str) -> str:
    return body + next(d for d in "0123456789" if is_valid_individual_number(body + d))


NUMBER = _valid("43218765093")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
KANJI = str.maketrans("0123456789", "〇一二三四五六七八九")


def _grouped(separator: str) -> str:
    return separator.join((NUMBER[:4], NUMBER[4:8], NUMBER[8:]))


# The same shapes everywhere: the ones the review found slipping through, and the plain ones.
SHAPES = {
    "plain": NUMBER,
    "spaces": _grouped(" "),
    "dashes": _grouped("-"),
    "dots": _grouped("."),
    "slashes": _grouped("/"),
    "underscores": _grouped("_"),
    "commas": _grouped(","),
    "colons": _grouped(":"),
    "minus sign": _grouped("\u2212"),
    "no-break space": _grouped("\u00a0"),
    "ideographic space": _grouped("\u3000"),
    "several spaces": _grouped("   "),
    "full-width": NUMBER.translate(FULL_WIDTH),
    "kanji": NUMBER.translate(KANJI),
    "circled": NUMBER.translate(str.maketrans("0123456789", "⓪①②③④⑤⑥⑦⑧⑨")),
    "in a sentence": f"番号は {_grouped('-')} です",
}
DIGITS_SEEN = (NUMBER, NUMBER[:4] + NUMBER[4:8])  # what a leak would look like once folded


# A password is stored as a hash ("pbkdf2_sha256$1000000$<salt>$<base64>"): no typed text survives in it, and
# the iteration count beside the salt's and the hash's digits reads as a number in about one hash in 500
# (one CI run failed on it).
HASHED_COLUMNS = {("accounts_user", "password")}


def assert_nothing_stored():
    """No text column of any table holds the number (in any shape: the digits are folded first)."""
    from madoguchi.core.mynumber import contains_individual_number

    leaks = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            text_columns = [f.column for f in model._meta.concrete_fields
                            if f.get_internal_type() in ("CharField", "TextField", "JSONField", "EmailField")
                            and (table, f.column) not in HASHED_COLUMNS]
            if not text_columns:
                continue
            cursor.execute(f'SELECT {", ".join(text_columns)} FROM "{table}"')  # noqa: S608 - model metadata
            for row in cursor.fetchall():
                for column, value in zip(text_columns, row, strict=True):
                    if value is not None and contains_individual_number(str(value)):
                        leaks.append(f"{table}.{column}")
    assert not leaks, f"an individual number was stored in: {sorted(set(leaks))}"


# --- every form ---------------------------------------------------------------------------------


def _all_project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(madoguchi.__path__, "madoguchi."):
        if ".tests" not in module.name and ".migrations" not in module.name and "management" not in module.name:
            importlib.import_module(module.name)
    found, todo = set(), list(forms.BaseForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("madoguchi.") and ".tests" not in cls.__module__:
            found.add(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _specs():
    from madoguchi.prefill.answers import AnswerSpec

    return [AnswerSpec("note", "備考", False, "text", (), ("juki.idou",))]


def _simulation_arguments() -> dict:
    from madoguchi.insights import selectors

    path = selectors.profile_choices()[0]
    office, profile = selectors.simulation_inputs(path)
    return {"profiles": [path.stem], "office": office, "profile": profile}


def _survey_questions():
    from madoguchi.surveys import selectors
    from madoguchi.surveys.questions import questions_of

    return questions_of(selectors.current_version().definition)


# Forms that need more than data to be made: how each is built for the test.
FORM_ARGUMENTS = {
    "ProcedurePickForm": lambda: {"procedure_codes": ["juki.move_in"]},
    "AnswersForm": lambda: {"specs": _specs(), "prefix": "answers"},
    "ResidentAnswersForm": lambda: {"specs": _specs(), "prefix": "answers"},
    "BookingForm": lambda: {"times": [("09:00", "09:00")], "procedures": [("cert.juminhyo", "住民票")]},
    "SimulationForm": lambda: _simulation_arguments(),
    "StaffLoginForm": lambda: {"request": None},
    "StatusNoticeForm": lambda: {"channels": ["sms", "email"]},
    "SurveyForm": lambda: {"questions": _survey_questions()},
}


def test_every_form_of_the_product_stands_behind_the_guard():
    unguarded = [f"{c.__module__}.{c.__qualname__}" for c in _all_project_forms()
                 if not issubclass(c, GuardedFormMixin) and c is not GuardedFormMixin]
    assert not unguarded, f"forms not behind core.forms' guard: {unguarded}"


def _text_fields(form: forms.BaseForm) -> list[str]:
    return [name for name, field in form.fields.items()
            if isinstance(field.widget, (forms.TextInput, forms.Textarea, forms.PasswordInput, forms.EmailInput,
                                         forms.URLInput, forms.NumberInput, forms.DateInput, forms.Select,
                                         forms.HiddenInput))]


@pytest.mark.django_db
@pytest.mark.parametrize("shape", SHAPES)
def test_every_field_of_every_form_refuses_every_shape_and_does_not_echo_it(starter_catalog, shape):
    checked = 0
    for cls in _all_project_forms():
        if cls.__module__ == "madoguchi.core.forms":
            continue  # the bases themselves: no fields
        kwargs = FORM_ARGUMENTS.get(cls.__name__, dict)()
        prefix = kwargs.get("prefix")
        blank = cls(**kwargs)
        for name in _text_fields(blank):
            key = f"{prefix}-{name}" if prefix else name
            form = cls(data={key: SHAPES[shape]}, **kwargs)
            assert not form.is_valid(), f"{cls.__name__}.{name} accepted {shape}"
            codes = [e.code for e in form.errors.as_data().get(name, [])]
            assert "individual_number" in codes, f"{cls.__name__}.{name}: {form.errors.get(name)}"
            assert SHAPES[shape] not in str(form[name]), f"{cls.__name__}.{name} echoes what was typed"
            checked += 1
    assert checked > 30  # the walk reached the forms (a broken discovery would check nothing)


# --- every string field of the API --------------------------------------------------------------


def _openapi(client, token) -> dict:
    return client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {token}").json()


def _string_fields(schema: dict, definitions: dict, path: str = "") -> list[str]:
    """Dotted paths of every string property of a request body schema (arrays as ``[0]``)."""
    if "$ref" in schema:
        return _string_fields(definitions[schema["$ref"].rsplit("/", 1)[1]], definitions, path)
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            return [f for option in schema[combined] for f in _string_fields(option, definitions, path)]
    kind = schema.get("type")
    if kind == "object":
        return [f for name, prop in schema.get("properties", {}).items()
                for f in _string_fields(prop, definitions, f"{path}.{name}" if path else name)]
    if kind == "array":
        return _string_fields(schema.get("items", {}), definitions, f"{path}[0]")
    if kind == "string":
        return [path]
    return []


def _body_with(field: str, value: str) -> dict:
    body: dict = {}
    target = body
    parts = field.replace("[0]", ".[0]").split(".")
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        nxt = parts[index + 1] if not last else None
        if part == "[0]":
            continue
        if last:
            target[part] = value
        elif nxt == "[0]":
            item = value if index + 1 == len(parts) - 1 else {}
            target[part] = [item]
            if isinstance(item, dict):
                target = item
        else:
            target = target.setdefault(part, {})
    return body


@pytest.mark.django_db
def test_every_string_field_of_the_api_refuses_every_shape_naming_the_field(starter_catalog):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    token = api_token_get_or_create(user=admin).key
    client = Client()
    document = _openapi(client, token)
    definitions = document.get("components", {}).get("schemas", {})
    visit = VisitFactory(procedures=["juki.move_in", "nhi.enroll"])
    step = visit.steps.get(status=Step.Status.QUEUED)
    values = {"visit_id": visit.pk, "step_id": step.pk, "counter_code": "koseki-move", "group_code": "koseki"}
    checked = 0
    for path, operations in document["paths"].items():
        url = path.replace("/api/v1", "/api/v1")
        for name, value in values.items():
            url = url.replace("{" + name + "}", str(value))
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            fields = _string_fields(content["schema"], definitions) if content else []
            queries = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            for shape, text in SHAPES.items():
                for field in fields:
                    response = getattr(client, method)(url, json.dumps(_body_with(field, text)),
                                                       content_type="application/json",
                                                       HTTP_AUTHORIZATION=f"Bearer {token}")
                    assert response.status_code == 422, (method, path, field, shape, response.content[:200])
                    answer = response.json()
                    assert answer["field"] == field, (method, path, field, shape, answer)
                    assert text not in response.content.decode()
                    checked += 1
                for query in queries:
                    response = client.get(url, {query: text}, HTTP_AUTHORIZATION=f"Bearer {token}")
                    assert response.status_code == 422, (path, query, shape)
                    checked += 1
    assert checked > 100
    assert_nothing_stored()


# --- the places the review found ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("shape", ["dots", "kanji", "ideographic space", "in a sentence"])
def test_the_handoff_memo_refuses_the_number_on_the_console_and_in_the_api(client, clerk, shape):
    step = StepFactory(visit=VisitFactory(procedures=["juki.move_in", "nhi.enroll"]), clerk=clerk, started=True)
    client.force_login(clerk)
    page = client.post(f"/staff/counters/{step.counter.code}/complete", {"step": step.pk, "memo": SHAPES[shape]},
                       follow=True)
    step.refresh_from_db()
    assert step.status == Step.Status.SERVING  # not completed: the memo was refused
    assert SHAPES[shape] not in page.content.decode()

    token = api_token_get_or_create(user=clerk).key
    api = client.post(f"/api/v1/steps/{step.pk}/complete", json.dumps({"memo": SHAPES[shape]}),
                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 422 and api.json()["field"] == "memo"
    assert_nothing_stored()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["life_event", "interpreter_language"])
def test_the_visit_refuses_the_number_in_its_free_fields_by_api_and_kiosk(client, starter_catalog, field):
    token = api_token_get_or_create(user=UserFactory(role=Role.RECEPTION)).key
    api = client.post("/api/v1/visits", json.dumps({"procedures": ["cert.juminhyo"], field: SHAPES["dots"]}),
                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 422 and api.json()["field"] == field

    logged_in(client, Role.KIOSK)
    kiosk = client.post("/kiosk/?event=alone", {"procedures": ["cert.juminhyo"], field: SHAPES["kanji"]})
    assert kiosk.status_code == 422
    assert_nothing_stored()


@pytest.mark.django_db
@pytest.mark.parametrize("shape", ["plain", "dashes", "full-width", "kanji"])
def test_a_login_name_holding_the_number_is_refused_and_kept_nowhere(client, shape):
    from axes.models import AccessAttempt

    UserFactory(username="tanaka")
    response = client.post("/staff/login/", {"username": SHAPES[shape], "password": PASSWORD})
    assert response.status_code == 200 and "id_username_error" in response.content.decode()
    assert SHAPES[shape] not in response.content.decode()
    assert not AccessAttempt.objects.exists() or not any(
        is_valid_individual_number(a.username or "") for a in AccessAttempt.objects.all())
    assert_nothing_stored()


@pytest.mark.django_db
def test_a_number_in_a_query_string_is_refused_before_the_view(client, starter_catalog):
    response = client.get("/congestion/", {"q": SHAPES["slashes"]})
    assert response.status_code == 422
    assert SHAPES["slashes"] not in response.content.decode()


@pytest.mark.django_db
def test_ordinary_values_pass_the_guard(client, clerk):
    step = StepFactory(visit=VisitFactory(procedures=["juki.move_in", "nhi.enroll"]), clerk=clerk, started=True)
    client.force_login(clerk)
    memo = f"電話 03-3964-1111 {date(2026, 11, 30).isoformat()} 来庁、ゆうちょ 12345-1234567"
    client.post(f"/staff/counters/{step.counter.code}/complete", {"step": step.pk, "memo": memo})
    step.refresh_from_db()
    assert step.status == Step.Status.DONE and step.handoff_memo == memo


@pytest.mark.django_db
def test_a_control_character_is_refused_in_a_form_and_in_the_api(client, clerk):
    step = StepFactory(visit=VisitFactory(procedures=["juki.move_in", "nhi.enroll"]), clerk=clerk, started=True)
    client.force_login(clerk)
    client.post(f"/staff/counters/{step.counter.code}/complete", {"step": step.pk, "memo": "a\x00b"})
    client.post(f"/staff/counters/{step.counter.code}/complete", {"step": step.pk, "memo": "a\x07b"})
    step.refresh_from_db()
    assert step.status == Step.Status.SERVING
    token = api_token_get_or_create(user=clerk).key
    api = client.post(f"/api/v1/steps/{step.pk}/complete", json.dumps({"memo": "a\u0085b"}),
                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 422 and api.json()["field"] == "memo"


def test_the_control_characters_are_unicode_s_whole_category_but_tab_and_line_breaks():
    for code in range(sys.maxunicode + 1):
        character = chr(code)
        expected = unicodedata.category(character) == "Cc" and character not in "\t\n\r"
        assert has_control_characters(f"a{character}b") is expected, hex(code)


@pytest.mark.django_db
def test_the_database_scan_finds_a_number_written_behind_the_guards_back(clerk):
    step = StepFactory(visit=VisitFactory(procedures=["cert.juminhyo"]), clerk=clerk, started=True)
    Step.objects.filter(pk=step.pk).update(handoff_memo=SHAPES["kanji"])
    with pytest.raises(AssertionError, match=r"reception_step\.handoff_memo"):
        assert_nothing_stored()


def test_a_checkbox_and_an_upload_pass_the_guard_untouched():
    """A checkbox's value is a bool and an upload is a file: nothing typed, nothing to refuse or to read."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.http import QueryDict

    class Checked(GuardedFormMixin, forms.Form):
        listed = forms.BooleanField(required=False)
        names = forms.MultipleChoiceField(choices=[("a", "a")], required=False)
        upload = forms.FileField(required=False)

    upload = SimpleUploadedFile("rows.csv", b"first line\nsecond line\n")
    form = Checked(QueryDict("listed=on&names=a"), {"upload": upload})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["listed"] is True and upload.tell() == 0
