"""Render time of a 5-form pre-filled bundle (issue 5: p95 ≤ 300 ms). Pure: no database."""

import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from madoguchi.catalog.schema import parse_catalog  # noqa: E402
from madoguchi.catalog.yamlsource import read_yaml  # noqa: E402
from madoguchi.prefill.fill import VisitInfo  # noqa: E402
from madoguchi.prefill.identity import validate_household, validate_identity  # noqa: E402
from madoguchi.prefill.layouts import forms_for_procedures, load_forms  # noqa: E402
from madoguchi.prefill.pdf import render_bundle  # noqa: E402

RUNS = 50
TARGET_P95_MS = 300
PROCEDURES = ["juki.move_in", "nhi.enroll", "kosodate.child_allowance", "seal.register", "cert.juminhyo"]


def main() -> int:
    catalog = ROOT / "catalog"
    codes = {p.code for p in parse_catalog(
        [read_yaml(p.read_text(encoding="utf-8"), p.name) for p in sorted(catalog.glob("*.yaml"))]).procedures}
    forms = forms_for_procedures(load_forms(catalog / "forms", procedure_codes=codes), PROCEDURES)
    identity = validate_identity({"name": "髙﨑　𠮷太郎", "name_kana": "タカサキ　ヨシタロウ", "birth_date": "S52.4.1",
                                  "sex": 1, "postal_code": "173-8501", "address": "東京都板橋区板橋二丁目66番1号"})
    household = validate_household([
        {"name": "髙﨑　𠮷太郎", "birth_date": "S52.4.1", "sex": 1, "relationship": "世帯主"},
        {"name": "髙﨑　花子", "birth_date": "1980-02-03", "sex": 2, "relationship": "妻"},
        {"name": "髙﨑　𠮷男", "birth_date": "R2.6.7", "sex": 1, "relationship": "子"},
    ])
    answers = {
        "move_kind": "転入", "moved_on": "R7.11.20", "new_address": "東京都板橋区高島平一丁目2番3号",
        "nhi_kind": "資格取得（加入）", "nhi_changed_on": "R7.11.20", "nhi_reason": "転入", "pension_type": "国民年金",
        "bank_name": "いたばし銀行", "branch_name": "本店", "account_type": "普通", "account_number": "1234567",
        "seal_applicant": "本人", "seal_id_document": "マイナンバーカード", "relation_to_subject": "本人",
        "cert_kind": "住民票の写し", "cert_scope": "世帯全員", "copies": "1", "show_relationship": "省略",
        "show_domicile": "省略", "purpose": "勤務先に提出",
    }
    visit = VisitInfo(date.today(), "A-023")
    render_bundle(forms, identity, household, answers, visit)  # first run loads the fonts: not timed
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        render_bundle(forms, identity, household, answers, visit)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"prefill PDF bundle, {len(forms)} forms, {RUNS} runs: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
          f"(target p95 ≤ {TARGET_P95_MS} ms)")
    return 0 if p95 <= TARGET_P95_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
