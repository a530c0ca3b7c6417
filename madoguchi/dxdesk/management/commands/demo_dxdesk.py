"""Demo consultations for the DX help desk (DEMO=1, run by `make run` after demo_talent): three dozen
consultations over the last fifteen months, in every status, some measured, some due for measuring.
Idempotent: nothing is added when consultations exist. Never load it in a real office."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from madoguchi.dxdesk import services
from madoguchi.dxdesk.models import Consultation, HelpKind, Status
from madoguchi.talent.models import Section, StaffMember

# (section key, title, task, times/month, minutes, pain, kind)
CASES = [
    ("koseki", "転入届の受付簿入力",
     "転入届の内容を紙の受付簿とExcelに二重入力している", 900, 4, "二重入力で残業が増える", HelpKind.RPA),
    ("koseki", "住民票の郵送請求の仕分け",
     "郵送で届く請求書を開封し手作業で仕分けて台帳に記録", 600, 6, "繁忙期に滞留する", HelpKind.ONLINE_APPLICATION),
    ("kokuho", "国保資格喪失の届出照合",
     "社保加入の届出を紙で照合している", 400, 5, "照合漏れが起きる", HelpKind.SPREADSHEET),
    ("kokuho", "保険料の分納相談記録",
     "相談記録を手書きし後でシステムに転記", 150, 10, "転記ミス", HelpKind.LOW_CODE),
    ("kosodate", "児童手当の現況確認",
     "提出書類の不足を電話で確認している", 300, 8, "電話がつながらない", HelpKind.ONLINE_APPLICATION),
    ("hoiku", "保育園入園申込の点数計算",
     "申込書から利用調整点数をExcelで手計算", 250, 15, "計算ミスの確認に時間", HelpKind.SPREADSHEET),
    ("kaigo", "介護保険証の再発行受付",
     "窓口で申請書を書いてもらい入力", 120, 7, "記入に時間がかかる", HelpKind.PAPERLESS),
    ("kazei", "課税証明の郵送請求",
     "郵送請求の手数料確認と発送管理", 350, 5, "定額小為替の管理が煩雑", HelpKind.ONLINE_APPLICATION),
    ("情報政策課", "庁内問合せの一次回答",
     "システムの操作問合せにメールで個別回答", 200, 10, "同じ質問が多い", HelpKind.AI_CHAT),
    ("総務課", "会議室予約の調整",
     "紙の予約簿で管理し重複が発生", 120, 5, "重複予約", HelpKind.LOW_CODE),
    ("総務課", "文書収受の記録",
     "収受印を押し台帳に手入力", 500, 3, "手入力が多い", HelpKind.PAPERLESS),
    ("人事課", "研修申込の集計",
     "各課からのExcelを手で集約", 40, 60, "集約に丸一日", HelpKind.SPREADSHEET),
    ("人事課", "時間外勤務の集計",
     "紙の命令簿から月次集計", 12, 240, "月末に集中", HelpKind.RPA),
    ("財政課", "予算要求資料の取りまとめ",
     "各課の様式を手で結合", 6, 480, "差し替えが多い", HelpKind.SPREADSHEET),
    ("政策企画課", "区民意識調査の集計",
     "紙の回答を手入力して集計", 20, 240, "入力に数週間", HelpKind.ONLINE_APPLICATION),
    ("区民文化課", "施設利用申請の受付",
     "窓口とFAXで受け付けて台帳入力", 300, 6, "FAXが読めない", HelpKind.ONLINE_APPLICATION),
    ("福祉部管理課", "補助金交付事務の進捗管理",
     "Excelで進捗を管理し共有が遅れる", 30, 60, "最新版が分からない", HelpKind.LOW_CODE),
    ("都市計画課", "図面の閲覧対応",
     "紙図面を探して窓口で閲覧", 80, 15, "探す時間", HelpKind.PAPERLESS),
    ("道路課", "道路損傷の通報受付",
     "電話の通報を手書きメモで共有", 150, 8, "伝達漏れ", HelpKind.ONLINE_APPLICATION),
    ("環境政策課", "補助金申請の審査記録",
     "申請ごとに紙のチェックリスト", 60, 20, "書類保管場所が足りない", HelpKind.PAPERLESS),
    ("情報政策課", "端末の貸出管理",
     "貸出簿に手書き", 100, 3, "所在不明の端末", HelpKind.DEVICES),
    ("koseki", "マイナンバーカード交付予約の確認",
     "予約一覧を印刷して来庁者と照合", 1200, 2, "印刷と照合の手間", HelpKind.LOW_CODE),
    ("shogai", "障害者手帳の更新案内",
     "対象者を抽出し宛名を手で作成", 40, 45, "抽出に時間", HelpKind.RPA),
    ("choju", "高齢者見守り訪問の記録",
     "訪問記録を紙で提出しExcelに転記", 200, 6, "転記に時間", HelpKind.LOW_CODE),
    ("gakumu", "転入学通知書の作成",
     "住民票の異動情報から手で作成", 150, 8, "転記ミス", HelpKind.RPA),
    ("nozei", "納付相談の予約管理",
     "電話予約を紙のカレンダーで管理", 180, 4, "二重予約", HelpKind.ONLINE_APPLICATION),
    ("kouki", "後期高齢者医療の負担区分照会",
     "他自治体へ照会文を郵送", 60, 20, "回答待ちが長い", HelpKind.PAPERLESS),
    ("総務課", "庁内ネットワークの遅延",
     "特定フロアで通信が遅い", 1, 600, "業務が止まる", HelpKind.DEVICES),
    ("財政課", "支出伺いの決裁回付",
     "紙の回付で所在が分からない", 300, 5, "決裁が遅い", HelpKind.PAPERLESS),
    ("政策企画課", "議会答弁資料の検索",
     "過去の答弁を共有フォルダで探す", 50, 30, "見つからない", HelpKind.AI_CHAT),
    ("区民文化課", "イベント参加者の集計",
     "紙の申込書を集計", 20, 90, "集計ミス", HelpKind.ONLINE_APPLICATION),
    ("kosodate", "子ども医療証の郵送",
     "宛名を手で貼って発送", 400, 2, "貼り間違い", HelpKind.RPA),
    ("道路課", "占用許可の更新通知",
     "期限管理を手帳で", 30, 30, "通知漏れ", HelpKind.SPREADSHEET),
    ("人事課", "職員アンケートの集計",
     "紙で回収し手入力", 2, 600, "入力の負担", HelpKind.ONLINE_APPLICATION),
    ("環境政策課", "ごみ出し問合せ対応",
     "電話で同じ質問に回答", 400, 4, "電話が集中", HelpKind.AI_CHAT),
    ("情報政策課", "ライセンス台帳の更新",
     "Excelで手管理", 4, 120, "更新漏れ", HelpKind.SPREADSHEET),
]
# The tool each kind of help delivers, in the demo.
TOOLS = {HelpKind.RPA: "RPAロボット", HelpKind.ONLINE_APPLICATION: "電子申請フォーム",
         HelpKind.SPREADSHEET: "集計シート", HelpKind.LOW_CODE: "ローコードアプリ",
         HelpKind.AI_CHAT: "FAQチャットボット", HelpKind.PAPERLESS: "電子回付",
         HelpKind.DEVICES: "無線LAN増設"}


class Command(BaseCommand):
    help = "Demo consultations for the DX help desk (idempotent)."

    def handle(self, *args, **options):
        if Consultation.objects.exists():
            self.stdout.write("Demo DX help desk: consultations already there.")
            return
        sections = {}
        for section in Section.objects.select_related("department"):
            sections[section.department.code if section.department else section.name] = section
        users = get_user_model().objects
        desk = users.filter(username="dxdesk").first() or users.filter(is_superuser=True).first()
        if desk is None or not sections:
            self.stdout.write("Demo DX help desk: run demo_staff and demo_talent first.")
            return
        rng = random.Random(23)  # demo data: the same every time
        today = timezone.localdate()
        with transaction.atomic():
            for index, (key, title, task, times, minutes, pain, kind) in enumerate(CASES):
                section = sections.get(key)
                if section is None:
                    continue
                filer = (StaffMember.objects.filter(section=section, user__isnull=False).values_list(
                    "user", flat=True).first())
                filer = users.get(pk=filer) if filer else desk
                age = 450 - index * 12
                c = services.consultation_file(filed_by=filer, section=section, title=title, task=task,
                                               times_per_month=times, minutes_per_time=minutes, pain=pain,
                                               help_kind=kind)
                stage = index % 6
                if stage >= 1:
                    services.consultation_advance(consultation=c, new=Status.ANALYSING, actor=desk,
                                                  note="業務フローを確認しました")
                if stage == 5:
                    services.consultation_decline(consultation=c, actor=desk,
                                                  reason="既存システムの改修で対応予定のため（所管課と調整済み）")
                if 2 <= stage <= 4:
                    services.consultation_advance(consultation=c, new=Status.BUILDING, actor=desk)
                if 3 <= stage <= 4 and age > 40:
                    delivered = today - timedelta(days=max(age - 40, 1))
                    expected = (Decimal(times * minutes * 12) / 60 * Decimal("0.6")).quantize(Decimal("0.1"))
                    services.consultation_deliver(consultation=c, actor=desk, tool_kind=kind,
                                                  tool_name=f"{title}の{TOOLS[kind]}",
                                                  tool_location=r"\\fileserver\dx\tools" if kind != HelpKind.DEVICES
                                                  else "本庁舎3階", delivered_on=delivered,
                                                  expected_hours_per_year=expected)
                    c.refresh_from_db()
                    if stage == 4 and c.measure_due_on <= today:
                        services.consultation_measure(
                            consultation=c, actor=desk, times_per_month_after=times,
                            minutes_per_time_after=max(1, round(minutes * rng.uniform(0.25, 0.6))),
                            measured_on=c.measure_due_on)
                filed_at = timezone.now() - timedelta(days=age)
                Consultation.objects.filter(pk=c.pk).update(filed_at=filed_at)
                for step, note in enumerate(c.notes.order_by("id")):
                    note.at = min(filed_at + timedelta(days=9 * step), timezone.now())
                    note.save(update_fields=["at"])
        self.stdout.write(f"Demo DX help desk: {Consultation.objects.count()} consultations.")
