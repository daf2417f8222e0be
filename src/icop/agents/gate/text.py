"""Text measures the publishability gate and the evaluation harness share: sentences, words in
any script the product accepts, repetition and script share. Pure functions, no model.

Words: Latin-script (and other alphabetic) text is split on word boundaries and lower-cased;
Hangul, kana and CJK runs become overlapping character bigrams, because Korean attaches
particles to words ("퇴비를", "퇴비는") and Chinese and Japanese do not separate words at all —
bigrams match the same stem whatever follows it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_CITATION = re.compile(r"\[\d{1,2}(?:\s*,\s*\d{1,2})*\]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+|<https?://[^>]+>")
# A tilde between figures is a range ("1~2주", "2~3 km"), not Markdown.
_MARKUP = re.compile(r"[*_`>|]+|~(?!\d)|(?<!\d)~")
_LINE_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d{1,3}[.)]\s+)")
# Not after initials: "e.g. leaves" and "the U.S. market" go on.
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f])(?<!\b[^\W\d_]\.[^\W\d_]\.)\s+")
_TOKEN = re.compile(r"[^\W_]+")
_DENSE = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]"
)
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LETTER = re.compile(r"[^\W\d_]")
_SPACE_BEFORE_STOP = re.compile(r"[ \t]+([.,;:!?])")
_SUFFIXES = ("ings", "ing", "edly", "ed", "ly", "es", "s")

MIN_REPEAT_WORDS = 4
"""Shorter units ("Step 1.", "Why it matters") legitimately recur; a repeated sentence is longer."""
NEAR_DUPLICATE = 0.8
"""Two sentences sharing this share of their word trigrams say the same thing (a loop that
changes one word each time is still a loop)."""
NEAR_MIN_TRIGRAMS = 4
"""Below four trigrams (six words) only an exact repeat counts: a heading ("Choosing the Right
Materials") that names what the introduction's longer sentence promised shares all its trigrams
with it without repeating it."""


def plain(text: str) -> str:
    """``text`` without citations, links, URLs and Markdown emphasis: what a reader reads."""
    text = _LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = _CITATION.sub(" ", text)
    text = _MARKUP.sub(" ", text)
    return _SPACE_BEFORE_STOP.sub(r"\1", text)


def sentences(text: str) -> list[str]:
    """The units of ``text`` a reader reads as one statement: each heading and list item, and
    each sentence of a paragraph, without Markdown markup, citations or links (front matter and
    code fences excluded)."""
    units: list[str] = []
    in_fence = False
    for line in _body(text).splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence or line.lstrip().startswith("!["):
            continue
        stripped = plain(_LINE_PREFIX.sub("", line)).strip()
        units.extend(
            " ".join(part.split()) for part in _SENTENCE_END.split(stripped) if _LETTER.search(part)
        )
    return units


def _body(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            return text[end + 4 :]
    return text


def is_dense(language: str) -> bool:
    return language.split("-")[0].lower() in {"ko", "ja", "zh"}


def words(text: str, language: str = "en") -> list[str]:
    """Lower-cased tokens of ``text``; runs of Hangul, kana or CJK as character bigrams (in any
    language: a Korean term quoted in an English article still matches itself)."""
    del language  # the script decides, not the label: mixed text is common
    tokens: list[str] = []
    for token in _TOKEN.findall(unicodedata.normalize("NFKC", text).lower()):
        if _DENSE.search(token):
            tokens.extend(_bigrams(token))
        else:
            tokens.append(token)
    return tokens


def _bigrams(token: str) -> list[str]:
    if len(token) < 2:
        return [token]
    return [token[i : i + 2] for i in range(len(token) - 1)]


def ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def repeated_sentences(text: str) -> list[str]:
    """Every sentence that repeats an earlier one (see ``Repeats``), in order; first
    occurrences are not listed."""
    seen = Repeats()
    return [sentence for sentence in sentences(text) if seen.repeats(words(sentence))]


class Repeats:
    """The sentences read so far, to tell whether the next one repeats one of them: exactly,
    or nearly (``NEAR_DUPLICATE`` of the shorter one's word trigrams shared). The gate and the
    harness use this one rule, so what the gate lets out the harness does not count."""

    def __init__(self) -> None:
        self._seen: list[tuple[tuple[str, ...], set[tuple[str, ...]]]] = []

    def repeats(self, tokens: list[str]) -> bool:
        """Whether ``tokens`` repeat an earlier sentence; remembered when they do not. Units
        shorter than ``MIN_REPEAT_WORDS`` never count."""
        key = tuple(tokens)
        if len(key) < MIN_REPEAT_WORDS:
            return False
        grams = set(ngrams(tokens, 3))
        if any(key == earlier or _similar(grams, old) for earlier, old in self._seen):
            return True
        self._seen.append((key, grams))
        return False


def _similar(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> bool:
    if min(len(a), len(b)) < NEAR_MIN_TRIGRAMS:
        return False
    return len(a & b) / min(len(a), len(b)) >= NEAR_DUPLICATE


def distinct_ngram_ratio(text: str, n: int, language: str = "en") -> float:
    """Distinct word n-grams over all n-grams: near 1 for varied prose, low for a loop."""
    grams = [gram for sentence in sentences(text) for gram in ngrams(words(sentence, language), n)]
    return len(set(grams)) / len(grams) if grams else 1.0


def script_share(text: str, language: str) -> float:
    """The share of ``text``'s letters written in ``language``'s script (Hangul for Korean,
    kana and Han for Japanese, Han for Chinese, Latin for the rest): how much of an article is
    in the language asked for. 1.0 for text without letters."""
    letters = _LETTER.findall(plain(_body(text)))
    if not letters:
        return 1.0
    base = language.split("-")[0].lower()
    script = {"ko": (_HANGUL,), "ja": (_KANA, _HAN), "zh": (_HAN,)}.get(base, (_LATIN,))
    hits = sum(1 for letter in letters if any(pattern.match(letter) for pattern in script))
    return hits / len(letters)


def _allowed(language: str) -> tuple[re.Pattern[str], ...]:
    """The scripts a title, heading or alt text in ``language`` may use: its own, and Latin in
    a Korean, Japanese or Chinese one (brand and product names are written in Latin there)."""
    base = language.split("-")[0].lower()
    own = {"ko": (_HANGUL,), "ja": (_KANA, _HAN), "zh": (_HAN,)}.get(base)
    return (*own, _LATIN) if own else (_LATIN,)


def _foreign(char: str, allowed: tuple[re.Pattern[str], ...]) -> bool:
    return bool(_LETTER.match(char)) and not any(pattern.match(char) for pattern in allowed)


def foreign_letters(text: str, language: str) -> str:
    """The letters of ``text`` in a script ``language`` does not use ("系统" in an English
    title the bundled model ended in Chinese). A share (``script_share``) lets two such letters
    through in a title; a reader sees them at once, so any one counts."""
    allowed = _allowed(language)
    return "".join(char for char in text if _foreign(char, allowed))


def drop_foreign(text: str, language: str) -> str:
    """``text`` without its runs of foreign letters (see ``foreign_letters``), spaces tidied:
    the last repair, when no other clean wording is at hand."""
    allowed = _allowed(language)
    kept = "".join(" " if _foreign(char, allowed) else char for char in text)
    return " ".join(kept.split()).strip(" ,;:-")


def word_count(text: str, language: str = "en") -> int:
    """Words as a reader counts them: whitespace-separated units with a letter (a Korean
    eojeol counts once)."""
    del language
    return sum(
        1 for sentence in sentences(text) for part in sentence.split() if _LETTER.search(part)
    )


def content_terms(text: str, language: str = "en", stopwords: Iterable[str] = ()) -> set[str]:
    """The distinct words of ``text`` that carry meaning: words of 3+ letters not in
    ``stopwords``, lightly stemmed; dense-script bigrams as they are."""
    stop = set(stopwords)
    terms = set()
    for token in words(text, language):
        if _DENSE.search(token):
            terms.add(token)
        elif len(token) >= 3 and not token.isdigit() and token not in stop:
            terms.add(stem(token))
    return terms


def stem(word: str) -> str:
    """A light stem: "turning", "turns" and "turn" meet, as do "weekly" and "week"; cut to
    seven letters so "composting" and "compost" meet too."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:7]
