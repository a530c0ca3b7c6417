"""DX talent in Debian's Chromium: HR imports a staff list with a bad row and then a good one; the gap
report shows the hand-computed figures with small groups hidden; a member assesses themselves and the
supervisor confirms; targets are set. Every page passes axe-core."""

import pytest
from django.conf import settings
from django.test import Client

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Department
from madoguchi.talent.models import SkillAssessment, SkillTarget, StaffMember

from . import scenario
from .factories import SectionFactory, StaffMemberFactory, load_framework

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "職員番号,氏名,所属,職層,メールアドレス\n"
GOOD_ROWS = "200001,山田 花子,戸籍住民課,主任,yamada@example.lg.jp\n200002,髙橋 一郎,情報政策課,係員,\n"


def signed_in_page(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context.new_page()


@pytest.fixture
def framework_loaded(db):
    load_framework()


def upload(page, name: str, text: str) -> None:
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}])
    page.locator("main form button[type='submit']").click()
    page.wait_for_load_state()


def test_hr_imports_a_list_with_a_bad_row_then_the_corrected_one(browser, live_server, axe, framework_loaded):
    page = signed_in_page(browser, live_server, UserFactory(role="hr"))
    page.goto("/staff/talent/import/")
    axe(page)

    upload(page, "jinji.csv", HEADER + GOOD_ROWS + "200003,佐藤 次郎,総務課,課長代理,sato@example\n")

    problems = page.locator("#import-problems")
    problems.wait_for()
    text = problems.inner_text()
    assert "jinji.csv:4: 職層:" in text and "課長代理" in text
    assert "jinji.csv:4: メールアドレス:" in text
    assert not StaffMember.objects.exists()  # all or nothing
    axe(page)

    upload(page, "jinji.csv", HEADER + GOOD_ROWS + "200003,佐藤 次郎,総務課,課長,sato@example.lg.jp\n")

    page.locator("#import-result").wait_for()
    assert StaffMember.objects.count() == 3
    assert StaffMember.objects.get(employee_number="200003").grade.code == "manager"
    axe(page)


def test_the_gap_report_shows_the_hand_computed_figures_and_hides_small_groups(browser, live_server, axe,
                                                                               framework_loaded):
    year, *_ = scenario.build()
    page = signed_in_page(browser, live_server, UserFactory(role="analyst"))

    page.goto(f"/staff/talent/gap/?fiscal_year={year}")

    rows = page.locator("#table-gap tbody tr")
    assert rows.count() == 4
    cells = {tuple(r.locator("td").all_inner_texts()[:5]): r.locator("td").all_inner_texts()[5:]
             for r in rows.all()}
    assert cells[("全区", "全職層", "データサイエンティスト", "2 基礎", "6")] == ["5", "1", "83%"]
    assert cells[("課A", "全職層", "データサイエンティスト", "2 基礎", "4")] == ["3", "1", "75%"]
    assert cells[("課A", "係長", "データサイエンティスト", "2 基礎", "2")] == ["—", "—", "—"]
    assert cells[("課B", "全職層", "データサイエンティスト", "1 サポート", "3")] == ["—", "—", "—"]
    assert page.locator("#exact").count() == 0  # only HR and the desk may ask for exact figures
    axe(page)

    hr = signed_in_page(browser, live_server, UserFactory(role="hr"))
    hr.goto(f"/staff/talent/gap/?fiscal_year={year}")
    hr.check("#exact")
    hr.locator("main form.inline-form-row button[type='submit']").click()
    hr.wait_for_url("**exact=1**")
    section_a = hr.locator("#table-by_section tbody tr", has_text="課A").locator("td").all_inner_texts()
    assert section_a[3:] == ["4", "2", "67%"]
    axe(hr)


def test_a_member_assesses_and_the_supervisor_confirms(browser, live_server, axe, framework_loaded):
    department = Department.objects.create(code="koseki", name_ja="戸籍住民課", name_en="Family Register")
    section = SectionFactory(name="戸籍住民課", department=department)
    clerk = UserFactory(role="counter")
    member = StaffMemberFactory(section=section, user=clerk)
    page = signed_in_page(browser, live_server, clerk)

    page.goto("/staff/talent/me/")
    axe(page)
    page.select_option("#id_role_literacy", "2")
    page.select_option("#id_role_data_scientist", "3")
    page.locator("form[action$='/assess/'] button[type='submit']").click()
    page.wait_for_url("**/staff/talent/me/")
    page.fill("#id_course", "データ活用入門")
    page.fill("#id_hours", "6")
    page.locator("form[action$='/training/'] button[type='submit']").click()
    page.locator("#table-trainings", has_text="データ活用入門").wait_for()
    axe(page)

    boss = signed_in_page(browser, live_server, UserFactory(role="supervisor", department=department))
    boss.goto("/staff/talent/staff/")
    axe(boss)
    boss.locator(f"a[href='/staff/talent/staff/{member.pk}/']").click()
    boss.select_option("#id_confirm_data_scientist", "2")
    boss.locator("form[action$='/confirm/'] button[type='submit']").click()
    boss.wait_for_load_state()
    axe(boss)

    levels = {a.role.code: (a.self_level, a.confirmed_level) for a in SkillAssessment.objects.filter(staff=member)}
    assert levels == {"literacy": (2, 2), "data_scientist": (3, 2)}


def test_hr_sets_a_target_and_reads_the_framework(browser, live_server, axe, framework_loaded):
    SectionFactory(name="情報政策課")
    page = signed_in_page(browser, live_server, UserFactory(role="hr"))
    page.goto("/staff/talent/targets/")
    axe(page)

    page.select_option("#id_section", label="情報政策課")
    page.select_option("#id_grade", label="主任")
    page.select_option("#id_role", label="ソフトウェアエンジニア")
    page.fill("#id_level", "3")
    page.fill("#id_headcount", "4")
    page.locator("main form.card button[type='submit']").click()
    page.locator("#table-targets tbody tr", has_text="ソフトウェアエンジニア").wait_for()
    target = SkillTarget.objects.get()
    assert (target.section.name, target.grade.code, target.role.code, target.level, target.headcount) == (
        "情報政策課", "senior", "software_engineer", 3, 4)
    axe(page)

    page.goto("/staff/talent/framework/")
    assert page.locator("#table-roles tbody tr", has_text="サイバーセキュリティ").count() == 4
    axe(page)


def test_the_page_for_an_account_without_a_record_is_accessible(browser, live_server, axe, framework_loaded):
    page = signed_in_page(browser, live_server, UserFactory(role="reception"))

    page.goto("/staff/talent/me/")

    assert page.locator("main .notice").count() == 1
    axe(page)
