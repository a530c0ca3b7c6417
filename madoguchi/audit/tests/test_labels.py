"""The audit page in the reader's words: every action and detail name audit.services writes has words, and the
Japanese page shows none of the codes the trail keeps (the action, the kind of target, a detail's name, a
payment's method, a counter's code, a consultation's status, the English half of a purpose, a field's name)."""

import ast
import html as html_text
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.audit import labels, services
from madoguchi.audit.models import Event
from madoguchi.catalog.models import Counter
from madoguchi.core.roles import Role
from madoguchi.reception.tests.factories import VisitFactory

SERVICES = Path(services.__file__)


def _written() -> tuple[set[str], set[str]]:
    """The actions and detail names audit.services passes to ``_record``, read from its source."""
    actions, names = set(), set()
    for node in ast.walk(ast.parse(SERVICES.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_record":
            for keyword in node.keywords:
                if keyword.arg == "action":
                    actions.add(keyword.value.value if isinstance(keyword.value, ast.Constant)
                                else getattr(services, keyword.value.id))
                elif keyword.arg not in (None, "actor", "target", "target_type", "target_id"):
                    names.add(keyword.arg)
    return actions, names


def test_every_action_and_detail_name_the_trail_writes_has_words():
    from madoguchi.catalog.schema import SECTIONS

    actions, names = _written()
    assert len(actions) > 30 and len(names) > 40  # the reader found them
    assert actions - set(labels.ACTIONS) == set()
    assert names - set(labels.DETAILS) == set()
    # The names inside details: the catalogue's sections (catalog.loaded), the staff list's and the DX framework's
    # counts (talent), the erased personal data's (prefill).
    nested = {*SECTIONS, "surveys", "created", "updated", "left", "returned", "sections_created", "roles", "grades",
              "qualifications", "identities", "household_members", "answer_sets", "handoff_memos"}
    assert nested - set(labels.DETAILS) == set()


def _fields_seen() -> set[str]:
    """The field names every caller of personal_data_viewed / preapplication_viewed passes, from the source."""
    seen = set()
    for path in SERVICES.parents[1].rglob("*.py"):
        if "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                     for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                    "personal_data_viewed", "preapplication_viewed"):
                for keyword in node.keywords:
                    if keyword.arg == "fields":
                        value = constants.get(getattr(keyword.value, "id", None), keyword.value)
                        if isinstance(value, ast.List | ast.Tuple):
                            seen |= {item.value for item in value.elts}
    return seen


def test_every_field_a_view_of_personal_data_names_has_words():
    seen = _fields_seen()
    assert {"handoff_memo", "addressee", "contact", "name_kana"} <= seen  # the reader found them
    without = {name for name in seen if name not in labels.FIELDS
               and labels.field_words("reception.visit", name) == name}
    assert without == set()


def test_a_detail_name_has_one_meaning_per_action():
    with pytest.raises(ValueError, match="already"):  # payments gave the words of a fee's method
        labels.register_values(["method"], {"card": "?"}, actions=["payment.voided"])
    from django.apps import apps

    apps.get_app_config("payments").ready()  # run again (a test changing the installed apps does): no error


@pytest.fixture
def trail(starter_catalog):
    clerk = UserFactory(role=Role.SUPERVISOR, username="suzuki")
    move, cert = Counter.objects.get(code="koseki-move"), Counter.objects.get(code="koseki-cert")
    visit = VisitFactory(procedures=["cert.juminhyo"])
    services.staff_logged_in(user=clerk, ip="192.0.2.1")
    services.staffing_move_accepted(actor=clerk, from_counter=cert, to_counter=move, closed_desk=2, opened_desk=3)
    services.catalog_loaded(source="catalog/", counts={"counters": 8, "procedures": 40}, changes=3)
    Event.objects.create(actor=clerk, actor_label="suzuki", action="payment.voided", target_type="payments.payment",
                         target_id="7", details={"method": "card", "total_yen": 300, "reason": "二重に受付"})
    Event.objects.create(actor=clerk, actor_label="suzuki", action="dxdesk.status_changed",
                         target_type="dxdesk.consultation", target_id="4",
                         details={"old": "received", "new": "building"})
    Event.objects.create(actor=clerk, actor_label="suzuki", action="surveys.action_changed",
                         target_type="surveys.actionitem", target_id="2",
                         details={"old": "planned", "new": "in_progress"})
    Event.objects.create(actor=None, actor_label="system", action="accounts.created", target_type="accounts.user",
                         target_id="3", details={"role": "counter", "created_by": "system"})
    Event.objects.create(actor=None, actor_label="system", action="appointment.changed",
                         target_type="preapply.appointment", target_id="5",
                         details={"previous": "2026-03-30T09:00:00+09:00", "slot": "2026-03-30T10:30:00+09:00"})
    services.personal_data_viewed(actor=clerk, subject=visit,
                                  purpose="本日の来庁：経路と引継ぎメモ / today's visits: route and handoff memos",
                                  fields=["needs", "handoff_memo", "name_kana"])
    client = Client()
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    return client


def _table_text(html: str) -> str:
    body = html[html.index("<table"):html.rindex("</table>")]
    return html_text.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_japanese_audit_page_shows_words_not_the_codes_the_trail_keeps(trail):
    text = _table_text(trail.get("/staff/audit/").content.decode())
    for words in ("ログイン", "窓口間の席移動の承認", "移動元の窓口", "証明", "手続カタログの読込み", "手数料の取消",
                  "DX相談の状況変更", "本日の来庁：経路と引継ぎメモ", "引継ぎメモ", "接続元IPアドレス", "システム",
                  "2026-03-30 10:30"):
        assert words in text, words
    codes = re.findall(r"\b[a-z]+(?:[._][a-z]+)+\b|\b(?:card|received|building|counters|procedures)\b", text)
    assert codes == [], codes  # no action, target, detail name, method, status or count name as kept
    assert "today's visits" not in text and "koseki-" not in text
    # Nothing in English but what was kept as typed or named: the account's name and the catalogue's folders.
    kept = text.replace(str(settings.CATALOG_DIR), "").replace("catalog/", "")
    assert set(re.findall(r"[A-Za-z]{3,}", kept)) <= {"suzuki"}, text


def test_the_english_audit_page_reads_english(trail):
    trail.cookies["django_language"] = "en"
    text = _table_text(trail.get("/staff/audit/").content.decode())
    for words in ("Signed in", "Desk move accepted", "Fee voided", "Credit or debit card",
                  "today's visits: route and handoff memos", "counters 8, procedures 40"):
        assert words in text, words
    assert "本日の来庁" not in text
