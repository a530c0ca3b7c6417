"""The no-writing counter's services: capture, answers, printing, measurement and the retention purge."""

from datetime import date, timedelta
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from madoguchi.audit.models import Event, PersonalDataAccess
from madoguchi.catalog.models import Counter
from madoguchi.prefill import services
from madoguchi.prefill.models import CaptureSource, StepPrefill, VisitIdentity
from madoguchi.reception import services as reception
from madoguchi.reception.models import Step

from .conftest import MOVE_ANSWERS, twelve_digits_with_check_digit
from .factories import HOUSEHOLD, RESIDENT, IdentityFactory

pytestmark = pytest.mark.django_db

TWELVE = "1234 5678 9018"


def capture(visit, actor, *, source=CaptureSource.MANUAL, data=None, household=HOUSEHOLD, now=None):
    return IdentityFactory(visit=visit, actor=actor, source=source, data=data or RESIDENT, household=household,
                           now=now)


def test_a_typed_identity_is_kept_as_written_with_its_household(serving_step, clerk):
    record = capture(serving_step.visit, clerk)

    assert record.source == "manual"
    assert record.name == "髙﨑　𠮷太郎"
    assert record.name_kana == "タカサキ　ヨシタロウ"
    assert record.birth_date == date(1977, 4, 1)
    assert record.postal_code == "173-8501"
    assert [m["relationship"] for m in record.household] == ["世帯主", "妻"]
    assert record.household[1]["birth_date"] == "1980-02-03"
    assert record.captured_by == clerk and record.captured_step == serving_step


def test_a_card_identity_needs_no_kana_or_postal_code(serving_step, clerk):
    card_facts = {"name": "山田　太郎", "address": "東京都板橋区板橋二丁目66番1号", "birth_date": "1977-04-01",
                  "sex": 1}

    record = capture(serving_step.visit, clerk, source=CaptureSource.CARD, data=card_facts, household=[])

    assert (record.source, record.name_kana, record.postal_code) == ("card", "", "")
    prefill = StepPrefill.objects.get(step=serving_step)
    assert (prefill.capture_source, prefill.captured_here, prefill.forms_printed_at) == ("card", True, None)


def test_the_capture_is_audited_without_the_values(serving_step, clerk):
    capture(serving_step.visit, clerk)

    event = Event.objects.get(action="prefill.identity_captured")
    assert event.details == {"source": "manual", "household_size": 2}
    assert "髙﨑" not in str(event.details)


@pytest.mark.parametrize(("where", "data", "household", "field"), [
    ("name", {**RESIDENT, "name": f"山田 {TWELVE}"}, [], "name"),
    ("address", {**RESIDENT, "address": "板橋区１２３４５６７８９０１８"}, [], "address"),
    ("unknown field", {**RESIDENT, "memo": TWELVE}, [], "memo"),
    ("nested household field", RESIDENT, [HOUSEHOLD[0], {**HOUSEHOLD[1], "relationship": TWELVE}],
     "household[1].relationship"),
    ("household key", RESIDENT, [{**HOUSEHOLD[0], "123456789018": "x"}], "household[0].<key>"),
])
def test_a_twelve_digit_number_is_refused_naming_the_field_never_the_digits(
        serving_step, clerk, where, data, household, field):
    with pytest.raises(ValidationError) as refused:
        capture(serving_step.visit, clerk, data=data, household=household)

    assert field in refused.value.message_dict, where
    text = " ".join(refused.value.messages)
    assert "個人番号" in text
    assert "9018" not in text and "９０１８" not in text
    assert not VisitIdentity.objects.exists()


def test_every_problem_is_reported_at_once_by_field(serving_step, clerk):
    data = {**RESIDENT, "birth_date": "S65.1.1", "address": "", "sex": 7}

    with pytest.raises(ValidationError) as invalid:
        capture(serving_step.visit, clerk, data=data, household=[{**HOUSEHOLD[1], "birth_date": "2999-01-01"}])

    assert set(invalid.value.message_dict) == {"birth_date", "address", "sex", "household[0].birth_date"}


def test_capturing_again_corrects_the_identity_and_keeps_the_answers(serving_step, clerk):
    capture(serving_step.visit, clerk)
    services.identity_answers_save(visit=serving_step.visit, answers={"phone": "03-3964-1111"}, actor=clerk)

    record = capture(serving_step.visit, clerk, data={**RESIDENT, "name": "髙﨑　𠮷次郎"})

    assert VisitIdentity.objects.count() == 1
    assert record.name == "髙﨑　𠮷次郎" and record.answers == {"phone": "03-3964-1111"}


def test_answers_are_checked_against_the_visits_forms_and_merged(serving_step, clerk):
    capture(serving_step.visit, clerk)
    services.identity_answers_save(visit=serving_step.visit, answers={"moved_on": "令和7年11月20日", "phone": "03-1"},
                          actor=clerk)

    record = services.identity_answers_save(visit=serving_step.visit, answers={"phone": "", "move_kind": "転入"},
                                            actor=clerk)

    assert record.answers == {"moved_on": "2025-11-20", "move_kind": "転入"}
    with pytest.raises(ValidationError) as invalid:
        services.identity_answers_save(visit=serving_step.visit, actor=clerk, answers={
            "move_kind": "引越し", "moved_on": "R7.13.1", "seal_applicant": "本人", "nhi_reason": "転入"})
    assert set(invalid.value.message_dict) == {"answers.move_kind", "answers.moved_on", "answers.seal_applicant"}
    assert VisitIdentity.objects.get().answers == {"moved_on": "2025-11-20", "move_kind": "転入"}


def test_answers_refuse_a_twelve_digit_number_and_need_an_identity(serving_step, clerk):
    with pytest.raises(ValidationError) as no_identity:
        services.identity_answers_save(visit=serving_step.visit, answers={"phone": "03-3964-1111"}, actor=clerk)
    assert "identity" in no_identity.value.message_dict

    capture(serving_step.visit, clerk)
    with pytest.raises(ValidationError) as refused:
        services.identity_answers_save(visit=serving_step.visit, answers={"phone": "1234-5678-9018"}, actor=clerk)
    assert list(refused.value.message_dict) == ["answers.phone"]


def test_printing_refuses_missing_required_answers_by_name(serving_step, clerk):
    capture(serving_step.visit, clerk)

    with pytest.raises(ValidationError) as invalid:
        services.forms_render(visit=serving_step.visit, actor=clerk)

    missing = set(invalid.value.message_dict)
    assert {"answers.moved_on", "answers.new_address", "answers.nhi_reason"} <= missing
    assert "answers.move_kind" not in missing  # a move-in: the procedure says 転入
    assert not StepPrefill.objects.filter(forms_printed_at__isnull=False).exists()


def test_printing_without_an_identity_is_refused(serving_step, clerk):
    with pytest.raises(ValidationError) as invalid:
        services.forms_render(visit=serving_step.visit, actor=clerk)
    assert "identity" in invalid.value.message_dict


def test_printing_records_the_step_the_access_and_the_forms(serving_step, clerk):
    capture(serving_step.visit, clerk)
    services.identity_answers_save(visit=serving_step.visit, answers=MOVE_ANSWERS, actor=clerk)

    pdf = services.forms_render(visit=serving_step.visit, actor=clerk)
    services.forms_render(visit=serving_step.visit, actor=clerk)

    assert pdf.startswith(b"%PDF")
    assert len(PdfReader(BytesIO(pdf)).pages) == 2
    prefill = StepPrefill.objects.get(step=serving_step)
    assert prefill.form_codes == ["juki.idou", "nhi.idou"]
    assert (prefill.capture_source, prefill.captured_here, prefill.print_count) == ("manual", True, 2)
    assert prefill.prefilled
    access = PersonalDataAccess.objects.filter(actor=clerk, subject_type="reception.visit")
    assert access.count() == 2 and access.first().subject_id == str(serving_step.visit_id)
    assert Event.objects.filter(action="prefill.forms_printed").first().details["forms"] == ["juki.idou", "nhi.idou"]


def test_a_later_counter_reuses_the_identity_and_records_it_as_reused(serving_step, clerk):
    capture(serving_step.visit, clerk)
    services.identity_answers_save(visit=serving_step.visit, answers=MOVE_ANSWERS, actor=clerk)
    following = reception.step_complete(step=serving_step, clerk=clerk).following
    assert following.counter.code == "kokuho"
    called = reception.step_call_next(counter=Counter.objects.get(code="kokuho"), clerk=clerk)

    services.forms_render(visit=called.visit, actor=clerk)

    prefill = StepPrefill.objects.get(step=called)
    assert (prefill.capture_source, prefill.captured_here, prefill.print_count) == ("manual", False, 1)
    assert VisitIdentity.objects.count() == 1


def test_reception_capturing_before_any_counter_records_no_step(move_visit):
    from madoguchi.accounts.tests.factories import UserFactory
    from madoguchi.core.roles import Role

    record = capture(move_visit, UserFactory(role=Role.RECEPTION))

    assert record.captured_step is None
    assert not StepPrefill.objects.exists()


def test_a_cancelled_visit_takes_no_identity(move_visit, clerk):
    reception.visit_cancel(visit=move_visit)
    with pytest.raises(ValidationError) as refused:
        capture(move_visit, clerk)
    assert "visit" in refused.value.message_dict


def test_the_purge_deletes_identities_past_the_retention_and_keeps_the_measurement(serving_step, clerk, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    now = timezone.now()
    capture(serving_step.visit, clerk, now=now - timedelta(days=31))
    services.identity_answers_save(visit=serving_step.visit, answers=MOVE_ANSWERS, actor=clerk)
    services.forms_render(visit=serving_step.visit, actor=clerk)
    recent = reception.visit_register(site=serving_step.visit.site, procedure_codes=["cert.juminhyo"])
    capture(recent, clerk, now=now - timedelta(days=29))

    counts = services.personal_data_purge(now=now)

    assert counts == {"identities": 1, "household_members": 2, "answer_sets": 1, "handoff_memos": 0}
    assert list(VisitIdentity.objects.values_list("visit_id", flat=True)) == [recent.pk]
    assert StepPrefill.objects.get(step=serving_step).print_count == 1  # no personal data: kept
    assert services.personal_data_purge(now=now) == {"identities": 0, "household_members": 0, "answer_sets": 0,
                                                     "handoff_memos": 0}


def test_the_purge_blanks_old_handoff_memos(serving_step, clerk, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    serving_step.handoff_memo = "山田さん 転入済み"
    serving_step.save(update_fields=["handoff_memo"])
    assert services.personal_data_purge(now=timezone.now() + timedelta(days=29))["handoff_memos"] == 0
    assert services.personal_data_purge(now=timezone.now() + timedelta(days=31))["handoff_memos"] == 1
    serving_step.refresh_from_db()
    assert serving_step.handoff_memo == ""
    assert Event.objects.filter(action="prefill.personal_data_purged").count() == 2


def test_the_purge_refuses_a_retention_of_zero_days(settings):
    with pytest.raises(ValueError, match="at least 1 day"):
        services.personal_data_purge(older_than_days=0)


def test_the_purge_command_prints_counts_and_is_idempotent(serving_step, clerk, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    capture(serving_step.visit, clerk, now=timezone.now() - timedelta(days=40))

    first, second = StringIO(), StringIO()
    call_command("purge_personal_data", stdout=first)
    call_command("purge_personal_data", stdout=second)

    assert "1 identities, 2 household members, 0 answer sets" in first.getvalue()
    assert "0 identities" in second.getvalue()
    assert not VisitIdentity.objects.exists()


def test_the_purge_command_takes_another_retention(serving_step, clerk):
    capture(serving_step.visit, clerk, now=timezone.now() - timedelta(days=3))
    out = StringIO()
    call_command("purge_personal_data", "--older-than-days", "2", stdout=out)
    assert "older than 2 days: 1 identities" in out.getvalue()


def test_no_step_of_a_cancelled_step_prints(serving_step, clerk):
    """Forms follow the visit's Steps: a cancelled Step's procedures are left out."""
    capture(serving_step.visit, clerk)
    kokuho = serving_step.visit.steps.get(counter__code="kokuho")
    Step.objects.filter(pk=kokuho.pk).update(status=Step.Status.CANCELLED)
    services.identity_answers_save(visit=serving_step.visit, answers={
        k: v for k, v in MOVE_ANSWERS.items() if not k.startswith("nhi")}, actor=clerk)

    services.forms_render(visit=serving_step.visit, actor=clerk)

    assert StepPrefill.objects.get(step=serving_step).form_codes == ["juki.idou"]


def test_a_valid_individual_number_is_refused_like_any_twelve_digits(serving_step, clerk):
    number = twelve_digits_with_check_digit()
    with pytest.raises(ValidationError):
        capture(serving_step.visit, clerk, data={**RESIDENT, "postal_code": number})
