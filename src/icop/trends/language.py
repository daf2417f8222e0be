"""Which language a short text is in: by script first (Hangul, kana, Han, Cyrillic, Greek,
Arabic, Hebrew, Thai, Devanagari), then, for Latin script, by the share of each language's
commonest function words. Good enough to keep a tenant's languages and drop the rest; None
when a text gives too little to judge (it is then kept: unknown is not wrong)."""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("ko", "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"),
    ("ja", "\u3040-\u30ff"),
    ("zh", "\u4e00-\u9fff"),
    ("ru", "\u0400-\u04ff"),
    ("el", "\u0370-\u03ff"),
    ("ar", "\u0600-\u06ff"),
    ("he", "\u0590-\u05ff"),
    ("th", "\u0e00-\u0e7f"),
    ("hi", "\u0900-\u097f"),
)
_SCRIPT_PATTERNS = [(code, re.compile(f"[{ranges}]")) for code, ranges in _SCRIPTS]
_FUNCTION_WORDS: dict[str, frozenset[str]] = {}
MIN_WORDS = 4


def detect_language(text: str) -> str | None:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    sample = "".join(letters)
    for code, pattern in _SCRIPT_PATTERNS:
        # Japanese mixes kana with Han: kana decides before Han does.
        if len(pattern.findall(sample)) / len(sample) >= 0.3:
            return code
    words = [word.lower() for word in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return None
    counts: Counter[str] = Counter()
    for word in words:
        for code, vocabulary in _FUNCTION_WORDS.items():
            if word in vocabulary:
                counts[code] += 1
    if not counts:
        return None
    (best, hits), *rest = [*counts.most_common(2), ("", 0)]
    runner_up = rest[0][1]
    # Too few function words, or a tie: not enough to say.
    if hits < 2 or hits == runner_up:
        return None
    return best
