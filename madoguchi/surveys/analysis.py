"""The survey's figures from plain rows: rates with 95% intervals, means, word frequencies, and the
small-cell rule. No database access (the selectors give the rows), so the tests are exact.

Small cells: a figure resting on fewer than ``MIN_CELL`` responses is not shown ("—"), on the page and
in every export, so that no table points at a few visitors.
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from madoguchi.core.stats import wilson

MIN_CELL = 5
HIDDEN = "—"


def count_cell(n: int):
    """A count of responses, or "—" under the small-cell limit (zero is shown: it points at nobody)."""
    return HIDDEN if 0 < n < MIN_CELL else n


def rate_cell(events: int, n: int) -> str:
    """"45.2% (38.1–52.4)" with the 95% interval, or "—" when fewer than five responses stand behind it."""
    if n < MIN_CELL:
        return HIDDEN
    low, high = wilson(events, n)
    return f"{100 * events / n:.1f}% ({100 * low:.1f}–{100 * high:.1f})"


def plain_rate_cell(part: int, whole: int, *, responses: int) -> str:
    """A response rate (responses ÷ finished visits), hidden when ``responses`` is a small cell."""
    if responses < MIN_CELL or whole <= 0:
        return HIDDEN
    return f"{100 * part / whole:.1f}%"


def mean_cell(values: Iterable[float | None], *, digits: int = 1):
    present = [v for v in values if v is not None]
    if len(present) < MIN_CELL:
        return HIDDEN
    return round(sum(present) / len(present), digits)


@dataclass(frozen=True)
class Awareness:
    n: int
    known: int
    used: int


def awareness(answers: Iterable[dict], question: str) -> Awareness:
    """Among those who answered ``question`` (used / knew_not_used / not_known): who knew it, who used it."""
    given = [a[question] for a in answers if question in a]
    used = sum(1 for v in given if v == "used")
    known = used + sum(1 for v in given if v == "knew_not_used")
    return Awareness(len(given), known, used)


# Words that say nothing of the counter: auxiliary verbs and the most general nouns.
STOP_WORDS = frozenset({
    "する", "ある", "いる", "なる", "れる", "られる", "できる", "思う", "いう", "こと", "もの", "よう", "ため", "それ",
    "これ", "あれ", "そう", "ない", "よい", "いい", "くる", "来る", "行く", "いく", "さん", "方", "時", "的", "中",
})


@lru_cache(maxsize=1)
def _tokenizer():
    from janome.tokenizer import Tokenizer

    return Tokenizer()


def words_of(text: str) -> list[str]:
    """The content words of a comment in their dictionary form (nouns, verbs, adjectives), by Janome."""
    out = []
    for token in _tokenizer().tokenize(text):
        kind, sub = token.part_of_speech.split(",")[:2]
        base = token.base_form if token.base_form != "*" else token.surface
        if kind == "名詞" and sub in ("非自立", "代名詞", "数", "接尾"):
            continue
        if kind not in ("名詞", "動詞", "形容詞") or (kind != "名詞" and sub != "自立"):
            continue
        if base in STOP_WORDS or "＊" in base or (len(base) < 2 and not re.match(r"[\u4e00-\u9fff]", base)):
            continue
        out.append(base.lower())
    return out


def word_frequencies(comments: Iterable[str], *, top: int = 30) -> list[tuple[str, int]]:
    """How many comments use each word (a word counts once per comment), most used first."""
    counts: Counter[str] = Counter()
    for comment in comments:
        counts.update(set(words_of(comment)))
    return counts.most_common(top)


WAIT_BANDS = ((0, 10), (10, 20), (20, 40), (40, 60), (60, None))


def wait_band(minutes: float | None) -> tuple[int, int | None] | None:
    if minutes is None:
        return None
    for low, high in WAIT_BANDS:
        if high is None or minutes < high:
            return (low, high)
    return None
