"""Demo data for DX talent (DEMO=1, run by `make run`): a ward of about 300 staff in 21 sections, three
fiscal years of confirmed levels, training, qualifications and targets, the two past years closed.
Idempotent: a second run changes nothing. Never load it in a real office."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from madoguchi.catalog.models import Department
from madoguchi.talent import selectors, services
from madoguchi.talent.fiscal import fiscal_year_start
from madoguchi.talent.models import (
    GapSnapshot,
    Grade,
    Qualification,
    Section,
    SkillAssessment,
    SkillRole,
    StaffMember,
    StaffQualification,
    TrainingRecord,
)

OTHER_SECTIONS = [
    ("総務課", "General Affairs"), ("情報政策課", "Information Policy"), ("人事課", "Human Resources"),
    ("財政課", "Finance"), ("政策企画課", "Policy Planning"), ("区民文化課", "Culture"),
    ("福祉部管理課", "Welfare Administration"), ("都市計画課", "Urban Planning"), ("道路課", "Roads"),
    ("環境政策課", "Environment"),
]
SURNAMES = ("佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水 "
            "髙橋 山﨑 森 池田 橋本").split()
GIVEN = "翔太 陽菜 大輔 美咲 健一 由美 拓也 彩 直樹 恵 誠 愛 亮 真由美 学 沙織 剛 結衣 浩二 麻衣 修 舞 聡 七海".split()
# Demo logins that have a record in the register (their user name links them).
LINKED = {"reception": "koseki", "clerk_koseki": "koseki", "clerk_cert": "koseki", "clerk_kokuho": "kokuho",
          "clerk_fukushi": "kaigo", "clerk_kosodate": "kosodate", "clerk_zei": "kazei", "supervisor": "koseki",
          "hr": "人事課", "dxdesk": "情報政策課"}
COURSES = [("DXリテラシー研修（全職員）", "literacy", "3.0"), ("データ活用入門", "data_scientist", "6.0"),
           ("RPA実践研修", "software_engineer", "12.0"), ("サービスデザイン研修", "designer", "7.5"),
           ("情報セキュリティ研修", "cybersecurity", "2.0"), ("業務改革リーダー研修", "business_architect", "14.0"),
           ("ローコード開発研修", "software_engineer", "10.0")]
GRADE_WEIGHTS = {"staff": 50, "senior": 26, "chief": 15, "manager": 7, "director": 2}


class Command(BaseCommand):
    help = "Demo DX talent data: ~300 staff with levels, training, qualifications, targets (idempotent)."

    def handle(self, *args, **options):
        if not SkillRole.objects.exists():
            services.framework_load(path=Path(settings.CATALOG_DIR) / "dx_skills.yaml")
        if StaffMember.objects.filter(employee_number__startswith="D").exists():
            self.stdout.write("Demo DX talent: already there.")
            return
        with transaction.atomic():
            counts = self._create(random.Random(17))  # demo data: the same every time
        self.stdout.write("Demo DX talent: " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")

    def _create(self, rng: random.Random) -> dict[str, int]:
        sections = [services.section_for_department(d) for d in Department.objects.filter(active=True)]
        for name, name_en in OTHER_SECTIONS:
            sections.append(Section.objects.get_or_create(name=name, defaults={"name_en": name_en})[0])
        by_key = {s.department.code if s.department else s.name: s for s in sections}
        grades = {g.code: g for g in Grade.objects.all()}
        roles = {r.code: r for r in SkillRole.objects.all()}
        users = get_user_model().objects
        members = []
        number = 10000
        for section in sections:
            size = rng.randint(10, 19)
            for index in range(size):
                number += 1
                grade = "manager" if index == 0 else rng.choices(list(GRADE_WEIGHTS), list(GRADE_WEIGHTS.values()))[0]
                if grade == "director" and section.name != "総務課":
                    grade = "chief"
                name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
                members.append(StaffMember(employee_number=f"D{number}", name=name, section=section,
                                           grade=grades[grade], email=f"d{number}@example.lg.jp"))
        StaffMember.objects.bulk_create(members)
        members = list(StaffMember.objects.filter(employee_number__startswith="D").select_related("section"))
        # The demo logins: the first staff member of their section who is not a manager becomes them.
        taken = set()
        for username, key in LINKED.items():
            user = users.filter(username=username).first()
            candidates = [m for m in members if m.section_id == by_key[key].pk and m.pk not in taken
                          and m.grade.code != "manager"]
            if user is None or not candidates:
                continue
            member = candidates[0]
            taken.add(member.pk)
            member.user = user
            member.name = user.display_name or member.name
            if username == "supervisor":
                member.grade = grades["chief"]
            member.save()
        # Four who left last year: their records stay, their figures count in the years they were here.
        last_year_end = fiscal_year_start(selectors.current_fiscal_year()) - timedelta(days=1)
        for member in rng.sample([m for m in members if m.pk not in taken], 4):
            member.active, member.left_on = False, last_year_end
            member.save(update_fields=["active", "left_on"])
        current = selectors.current_fiscal_year()
        years = [current - 2, current - 1, current]
        counts = {"staff": len(members), "assessments": self._assess(rng, members, roles, years, users),
                  "trainings": self._train(rng, members, roles, years),
                  "qualifications": self._qualify(rng, members), "targets": self._targets(by_key, grades, roles, years)}
        admin = users.filter(role="hr").first() or users.filter(is_superuser=True).first()
        for year in years[:2]:
            if not GapSnapshot.objects.filter(fiscal_year=year).exists():
                services.year_close(fiscal_year=year, rows=selectors.gap_snapshot_rows(year), actor=admin)
        counts["closed years"] = 2
        return counts

    def _assess(self, rng, members, roles, years, users) -> int:
        confirmer = users.filter(username="supervisor").first() or users.filter(is_superuser=True).first()
        rows = []
        skill = {m.pk: {code: 0 for code in roles} for m in members}
        for m in members:  # some took the literacy course before the first year on record
            skill[m.pk]["literacy"] = 1 if rng.random() < 0.4 else 0
        specialists = {m.pk: rng.choice([c for c in roles if c not in ("literacy", "dx_leader")])
                       for m in members if rng.random() < 0.35}
        leaders = {}
        for m in members:
            if m.section_id not in leaders and m.grade.code in ("senior", "chief"):
                leaders[m.section_id] = m.pk
        for step, year in enumerate(years):
            moment = timezone.make_aware(datetime(year, 6, 15, 10, 0))
            for m in members:
                levels = skill[m.pk]
                levels["literacy"] = min(2, levels["literacy"] + (1 if rng.random() < 0.55 else 0))
                if m.pk in specialists:
                    code = specialists[m.pk]
                    levels[code] = min(4, max(levels[code], 1) + (1 if rng.random() < 0.35 else 0))
                if leaders.get(m.section_id) == m.pk:
                    levels["dx_leader"] = 1 if step == 0 else 2
                pending = year == years[-1] and (rng.random() < 0.12 or m.user_id is not None)
                for code, level in levels.items():
                    if level:
                        rows.append(SkillAssessment(
                            staff=m, fiscal_year=year, role=roles[code], self_level=level, self_assessed_at=moment,
                            confirmed_level=None if pending else level,
                            confirmed_by=None if pending else confirmer, confirmed_at=None if pending else moment))
        SkillAssessment.objects.bulk_create(rows)
        return len(rows)

    def _train(self, rng, members, roles, years) -> int:
        rows = []
        for m in members:
            for year in years:
                for course, code, hours in rng.sample(COURSES, rng.randint(0, 2)):
                    taken = fiscal_year_start(year) + timedelta(days=rng.randint(20, 300))
                    if taken <= timezone.localdate():
                        rows.append(TrainingRecord(staff=m, course=course, hours=Decimal(hours), taken_on=taken,
                                                   role=roles[code]))
        TrainingRecord.objects.bulk_create(rows)
        return len(rows)

    def _qualify(self, rng, members) -> int:
        qualifications = list(Qualification.objects.all())
        rows = []
        for m in members:
            for qualification in rng.sample(qualifications, rng.choice([0, 0, 0, 1, 1, 2])):
                rows.append(StaffQualification(staff=m, qualification=qualification,
                                               obtained_on=date(2015, 4, 1) + timedelta(days=rng.randint(0, 3800))))
        StaffQualification.objects.bulk_create(rows)
        return len(rows)

    def _targets(self, by_key, grades, roles, years) -> int:
        count = 0
        for step, year in enumerate(years):
            wanted = [
                (None, None, "literacy", 1, 200 + 40 * step),
                (None, None, "literacy", 2, 90 + 30 * step),
                (None, grades["chief"], "business_architect", 2, 10 + 4 * step),
                (None, grades["senior"], "data_scientist", 2, 12 + 4 * step),
                (None, None, "software_engineer", 2, 15 + 5 * step),
                (None, None, "cybersecurity", 2, 12 + 3 * step),
                (None, None, "designer", 2, 8 + 3 * step),
                (None, grades["manager"], "literacy", 2, 10 + 3 * step),
            ]
            for key in ("koseki", "kokuho", "kosodate", "kaigo", "情報政策課"):
                wanted.append((by_key[key], None, "dx_leader", 1, 1))
                wanted.append((by_key[key], None, "literacy", 2, 5 + 2 * step))
            wanted.append((by_key["情報政策課"], grades["senior"], "software_engineer", 3, 2 + step))
            for section, grade, code, level, headcount in wanted:
                services.target_set(fiscal_year=year, section=section, grade=grade, role=roles[code], level=level,
                                    headcount=headcount)
                count += 1
        return count
