"""Plausible demo answers to the standard survey, drawn from a visit's facts (pure: no database).

Not a model of real residents: enough shape that the analysis page shows what it is for. Older
visitors use smartphones less and know the digital services less; a visit that used a service knew it;
satisfaction falls with the actual wait and rises a little with pre-filled forms.
"""

import random

from .selectors import VisitFacts

AGE_BANDS = ("under_20", "20s", "30s", "40s", "50s", "60s", "70s", "80_plus", "no_answer")
AGE_WEIGHTS = (2, 10, 17, 18, 16, 14, 12, 8, 3)
# Per age band: how likely the visitor uses a smartphone often / sometimes / never / has none.
SMARTPHONE = {
    "under_20": (80, 15, 4, 1), "20s": (85, 12, 2, 1), "30s": (80, 15, 4, 1), "40s": (70, 22, 6, 2),
    "50s": (55, 30, 10, 5), "60s": (35, 35, 18, 12), "70s": (18, 30, 27, 25), "80_plus": (8, 17, 35, 40),
    "no_answer": (50, 25, 15, 10),
}
# How widely each service is known by someone who uses a smartphone often (others know it less).
KNOWN = {"prefill": 0.35, "cashless": 0.6, "online": 0.5, "appointment": 0.45, "congestion": 0.4,
         "navigator": 0.3}
TRIED = {"prefill": 0.0, "cashless": 0.45, "online": 0.0, "appointment": 0.0, "congestion": 0.35, "navigator": 0.3}
SMARTPHONE_FACTOR = {"often": 1.0, "sometimes": 0.75, "never": 0.45, "no_phone": 0.3}
COMMENTS_LONG_WAIT = ("待ち時間が長かったです。もう少し早くしてほしい。",
                      "待ち時間が長く、呼び出しが分かりにくかった。",
                      "混雑していて待ち時間が長かった。予約を知っていれば使いたかった。")
COMMENTS_PREFILL = ("書かない窓口で申請書を書かずに済み、とても楽でした。", "職員が申請書を作ってくれて便利でした。")
COMMENTS_OTHER = ("職員の説明が丁寧で分かりやすかった。", "窓口の案内が分かりやすかった。",
                  "スマートフォンの操作が難しい。",
                  "手続きナビを知らなかった。もっと案内してほしい。", "案内表示が分かりにくかった。",
                  "職員の対応が親切でした。")


def _pick(rng: random.Random, options, weights):
    return rng.choices(options, weights=weights, k=1)[0]


def demo_answers(facts: VisitFacts, rng: random.Random) -> dict:
    age = _pick(rng, AGE_BANDS, AGE_WEIGHTS)
    phone = _pick(rng, ("often", "sometimes", "never", "no_phone"), SMARTPHONE[age])
    factor = SMARTPHONE_FACTOR[phone]
    answers: dict = {"age_band": age, "smartphone": phone}
    used_anything_known = False
    for service, known in KNOWN.items():
        forced = {"prefill": facts.prefilled, "online": facts.preapplication,
                  "appointment": facts.appointment}.get(service, False)
        if rng.random() < 0.1 and not forced:
            continue  # left unanswered
        if forced:
            value = "used"
        elif rng.random() < known * factor:
            value = "used" if rng.random() < TRIED[service] * factor else "knew_not_used"
        else:
            value = "not_known"
        answers[f"aware_{service}"] = value
        if value == "used":
            answers[f"convenience_{service}"] = _pick(rng, (2, 3, 4, 5), (1, 3, 5, 4))
        used_anything_known |= value == "knew_not_used"
    if used_anything_known:
        reasons = ["not_needed", "hard_to_use", "no_device", "worried", "prefer_counter", "other"]
        weights = (4, 2 + 3 * (1 - factor), 4 * (1 - factor), 1, 3, 1)
        answers["reason_not_used"] = sorted(set(rng.choices(reasons, weights=weights, k=rng.choice((1, 1, 2)))),
                                            key=reasons.index)
    wait = facts.wait_minutes or 0.0
    score = 4.4 - wait / 25 + (0.3 if facts.prefilled else 0) + rng.gauss(0, 0.7)
    answers["satisfaction"] = max(1, min(5, round(score)))
    answers["wait_feeling"] = ("short" if wait < 10 else "acceptable" if wait < 25 else
                               "long" if wait < 50 else "very_long")
    if rng.random() < 0.15:
        steps = ("short", "acceptable", "long", "very_long")
        answers["wait_feeling"] = steps[max(0, min(3, steps.index(answers["wait_feeling"]) + rng.choice((-1, 1))))]
    learnt = ["website", "newsletter", "sns", "poster", "staff", "family", "none"]
    answers["learnt"] = sorted(set(rng.choices(learnt, weights=(4 * factor, 3, 2 * factor, 3, 3, 2, 2),
                                               k=rng.choice((1, 1, 2)))), key=learnt.index)
    if rng.random() < 0.25:
        pool = COMMENTS_LONG_WAIT if wait >= 30 else COMMENTS_PREFILL if facts.prefilled else COMMENTS_OTHER
        answers["comment"] = rng.choice(pool)
    return answers
