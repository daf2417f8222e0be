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
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "in",
            "is",
            "that",
            "for",
            "it",
            "with",
            "as",
            "was",
            "on",
            "are",
            "be",
            "this",
            "by",
            "at",
            "from",
            "or",
            "an",
            "have",
            "not",
            "you",
            "your",
            "how",
            "what",
            "new",
            "can",
            "more",
            "a",
            "into",
            "within",
            "over",
            "about",
            "after",
            "their",
            "they",
            "we",
            "our",
            "has",
            "had",
            "will",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "und",
            "das",
            "ist",
            "nicht",
            "ein",
            "eine",
            "zu",
            "den",
            "mit",
            "sich",
            "des",
            "auf",
            "für",
            "im",
            "dem",
            "von",
            "auch",
            "wie",
            "ich",
            "sie",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "et",
            "des",
            "est",
            "une",
            "un",
            "du",
            "en",
            "que",
            "pour",
            "dans",
            "pas",
            "qui",
            "sur",
            "au",
            "avec",
            "ce",
            "sont",
            "plus",
            "par",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "y",
            "de",
            "que",
            "en",
            "es",
            "un",
            "una",
            "por",
            "con",
            "para",
            "del",
            "se",
            "no",
            "su",
            "al",
            "como",
            "más",
            "lo",
        ]
    ),
    "pt": frozenset(
        [
            "o",
            "a",
            "os",
            "as",
            "e",
            "de",
            "que",
            "em",
            "um",
            "uma",
            "para",
            "com",
            "não",
            "do",
            "da",
            "dos",
            "das",
            "no",
            "na",
            "por",
            "mais",
            "se",
            "é",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "lo",
            "la",
            "gli",
            "le",
            "e",
            "di",
            "che",
            "è",
            "un",
            "una",
            "per",
            "con",
            "non",
            "del",
            "della",
            "in",
            "sono",
            "nel",
            "alla",
            "più",
        ]
    ),
    "nl": frozenset(
        [
            "de",
            "het",
            "een",
            "en",
            "van",
            "is",
            "dat",
            "op",
            "te",
            "in",
            "voor",
            "niet",
            "met",
            "zijn",
            "er",
            "aan",
            "ook",
            "als",
            "maar",
            "bij",
        ]
    ),
}
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
