"""The HR staff list: all or nothing, idempotent, file:line errors, leavers deactivated and kept."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.audit.models import Event
from madoguchi.catalog.models import Department
from madoguchi.talent.models import Section, StaffMember

from .factories import GROUPED_NUMBER, INDIVIDUAL_NUMBER

GOOD = ("employee_number,name,section,grade,email\n"
        "100001,山田 花子,戸籍住民課,主任,yamada@example.lg.jp\n"
        "100002,髙橋 一郎,情報政策課,係員,\n"
        "100003,佐藤 次郎,情報政策課,係長級,sato@example.lg.jp\n")


def run(tmp_path, text: str, name: str = "staff.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    out = StringIO()
    call_command("import_staff", str(path), stdout=out)
    return out.getvalue()


@pytest.fixture
def counter_department(db):
    return Department.objects.create(code="koseki", name_ja="戸籍住民課", name_en="Family Register")


def test_the_list_makes_the_register_and_links_counter_sections(framework, counter_department, tmp_path):
    output = run(tmp_path, GOOD)

    assert "3 new" in output
    hanako = StaffMember.objects.get(employee_number="100001")
    assert (hanako.name, hanako.section.name, hanako.grade.code, hanako.email) == (
        "山田 花子", "戸籍住民課", "senior", "yamada@example.lg.jp")
    assert hanako.section.department == counter_department and hanako.section.is_counter
    assert not Section.objects.get(name="情報政策課").is_counter
    assert StaffMember.objects.get(employee_number="100003").grade.code == "chief"  # 係長級 is an alias


def test_a_second_import_of_the_same_list_changes_nothing(framework, tmp_path):
    run(tmp_path, GOOD)
    events = Event.objects.count()

    output = run(tmp_path, GOOD)

    assert "0 new, 0 changed, 0 returned, 0 left (deactivated), 3 unchanged" in output
    assert Event.objects.count() == events


def test_a_bad_row_refuses_the_whole_file_naming_file_line_and_column(framework, tmp_path):
    run(tmp_path, GOOD)
    bad = GOOD.replace("100002,髙橋 一郎,情報政策課,係員,", "100002,髙橋 一郎,情報政策課,課長代理,") + \
        "100004,,総務課,係員,not-an-address\n"

    with pytest.raises(CommandError, match="refused"):
        run(tmp_path, bad, name="bad.csv")

    assert StaffMember.objects.count() == 3
    assert StaffMember.objects.get(employee_number="100002").grade.code == "staff"


def test_the_problems_name_the_line_and_the_column(framework):
    from madoguchi.talent.services import grade_names
    from madoguchi.talent.staffcsv import StaffCsvInvalid, parse_staff_csv

    text = "職員番号,氏名,所属,職層,メールアドレス\n1,A,総務課,係員,\n2,B,総務課,課長代理,\n2,C,総務課,係員,x\n"
    with pytest.raises(StaffCsvInvalid) as refused:
        parse_staff_csv(text, "hr.csv", grades=grade_names())

    messages = [str(p) for p in refused.value.problems]
    assert messages[0].startswith("hr.csv:3: 職層: ")
    assert "課長代理" in messages[0]
    assert any(m.startswith("hr.csv:4: メールアドレス: ") for m in messages), messages
    assert any(m.startswith("hr.csv:4: 職員番号: ") for m in messages), messages  # the number is on line 3 too


def test_an_individual_number_is_refused_without_repeating_it(framework, tmp_path):
    text = f"employee_number,name,section,grade,email\n100001,山田 {GROUPED_NUMBER},総務課,係員,\n"

    with pytest.raises(CommandError) as refused:
        run(tmp_path, text)

    assert INDIVIDUAL_NUMBER[8:] not in str(refused.value)
    assert not StaffMember.objects.exists()


def test_a_shift_jis_file_from_the_hr_system_is_read(framework, tmp_path):
    output = run(tmp_path, GOOD, encoding="cp932")

    assert "3 new" in output
    assert StaffMember.objects.get(employee_number="100002").name == "髙橋 一郎"


def test_a_leaver_is_deactivated_with_the_account_and_kept(framework, tmp_path):
    user = UserFactory(username="100002")
    run(tmp_path, GOOD)
    leaver = StaffMember.objects.get(employee_number="100002")
    assert leaver.user == user  # linked by the user name

    output = run(tmp_path, GOOD.replace("100002,髙橋 一郎,情報政策課,係員,\n", ""))

    assert "1 left" in output
    leaver.refresh_from_db()
    user.refresh_from_db()
    assert (leaver.active, leaver.left_on is not None, user.is_active) == (False, True, False)

    output = run(tmp_path, GOOD)  # back again (a return from leave)

    assert "1 returned" in output
    leaver.refresh_from_db()
    assert (leaver.active, leaver.left_on) == (True, None)


def test_a_transfer_updates_the_section_and_grade(framework, tmp_path):
    run(tmp_path, GOOD)

    output = run(tmp_path, GOOD.replace("100001,山田 花子,戸籍住民課,主任", "100001,山田 花子,総務課,係長"))

    assert "1 changed" in output
    moved = StaffMember.objects.get(employee_number="100001")
    assert (moved.section.name, moved.grade.code) == ("総務課", "chief")
