"""Tone measured from text: what can be counted is counted, not asked of a model.

Sentence length, person (which pronouns dominate), formality markers (contractions,
exclamations, questions, long words), vocabulary richness and the brand's recurring words and
phrases. The counts are English-centred (pronouns, contractions); for other languages the
length and vocabulary figures still hold and the model's description carries the rest.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_CONTRACTION = re.compile(r"\b\w+'(?:s|t|re|ve|ll|d|m)\b", re.I)
_FIRST_SINGULAR = {"i", "me", "my", "mine", "myself"}
_FIRST_PLURAL = {"we", "us", "our", "ours", "ourselves"}
_SECOND = {"you", "your", "yours", "yourself", "yourselves"}
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "then",
        "than",
        "so",
        "not",
        "no",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "can",
        "could",
        "will",
        "would",
        "should",
        "may",
        "might",
        "must",
        "shall",
        "i",
        "me",
        "my",
        "we",
        "us",
        "our",
        "you",
        "your",
        "he",
        "she",
        "they",
        "them",
        "their",
        "his",
        "her",
        "what",
        "which",
        "who",
        "whom",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "each",
        "more",
        "most",
        "some",
        "such",
        "only",
        "own",
        "same",
        "too",
        "very",
        "just",
        "also",
        "into",
        "about",
        "over",
        "after",
        "before",
        "out",
        "up",
        "down",
        "off",
        "again",
        "once",
    }
)
STOPWORDS = _STOPWORDS
"""English function words: left out of the brand's terms and of echo checks."""
LONG_WORD = 7  # letters: a rough, language-free marker of formal vocabulary


@dataclass(frozen=True)
class ToneMeasures:
    samples: int
    words: int
    sentences: int
    mean_sentence_words: float
    sentence_words_stdev: float
    person: str
    """``first_singular``, ``first_plural``, ``second`` or ``third`` (the most used)."""
    formality: float
    """0 (chatty) … 1 (formal), from the markers below."""
    contractions_per_100_words: float
    exclamations_per_sentence: float
    questions_per_sentence: float
    long_word_share: float
    type_token_ratio: float
    """Distinct words / words over the first 1,000 words (comparable across lengths)."""
    top_terms: tuple[str, ...]
    recurring_phrases: tuple[str, ...]
    """Two- and three-word phrases found in more than one sample: the brand's own turns."""


def words_of(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if len(words_of(s)) >= 2]


def measure(samples: list[str]) -> ToneMeasures:
    texts = [text for text in samples if text.strip()]
    all_text = "\n".join(texts)
    words = words_of(all_text)
    sentences = [sentence for text in texts for sentence in sentences_of(text)]
    lengths = [len(words_of(sentence)) for sentence in sentences] or [0]
    n_words = max(len(words), 1)
    n_sentences = max(len(sentences), 1)
    contractions = len(_CONTRACTION.findall(all_text)) * 100 / n_words
    exclamations = all_text.count("!") / n_sentences
    questions = all_text.count("?") / n_sentences
    long_share = sum(len(word) >= LONG_WORD for word in words) / n_words
    head = words[:1000]
    return ToneMeasures(
        samples=len(texts),
        words=len(words),
        sentences=len(sentences),
        mean_sentence_words=round(statistics.fmean(lengths), 2),
        sentence_words_stdev=round(statistics.pstdev(lengths), 2),
        person=_person(words),
        formality=round(
            _formality(contractions, exclamations, questions, long_share, _person(words)), 3
        ),
        contractions_per_100_words=round(contractions, 2),
        exclamations_per_sentence=round(exclamations, 3),
        questions_per_sentence=round(questions, 3),
        long_word_share=round(long_share, 3),
        type_token_ratio=round(len(set(head)) / max(len(head), 1), 3),
        top_terms=tuple(_top_terms(words)),
        recurring_phrases=tuple(_recurring_phrases(texts)),
    )


def _person(words: list[str]) -> str:
    counts = {
        "first_singular": sum(word in _FIRST_SINGULAR for word in words),
        "first_plural": sum(word in _FIRST_PLURAL for word in words),
        "second": sum(word in _SECOND for word in words),
    }
    best = max(counts, key=lambda key: (counts[key], key))
    # Fewer than one pronoun in 100 words: the text speaks about things, in the third person.
    return best if counts[best] * 100 >= len(words) else "third"


def _formality(
    contractions: float, exclamations: float, questions: float, long_share: float, person: str
) -> float:
    """A score from markers with plain weights: each pulls towards chatty or formal, and the
    result is clamped to 0 … 1 (0.5 is neutral)."""
    score = 0.5
    score -= min(contractions / 4, 1) * 0.2  # 4 per 100 words is conversational
    score -= min(exclamations * 2, 1) * 0.15
    score -= min(questions * 2, 1) * 0.05
    score += (long_share - 0.2) * 1.5  # ~20% long words is ordinary prose
    score += {"third": 0.1, "first_plural": 0.0, "first_singular": -0.05, "second": -0.1}[person]
    return max(0.0, min(1.0, score))


def _top_terms(words: list[str], limit: int = 12) -> list[str]:
    counts = Counter(w for w in words if w not in _STOPWORDS and len(w) > 2)
    return [
        word for word, count in sorted(counts.items(), key=lambda i: (-i[1], i[0])) if count > 1
    ][:limit]


def _recurring_phrases(texts: list[str], limit: int = 10) -> list[str]:
    """Two- to four-word phrases found in more than one sample, longest first at equal
    spread; a phrase inside a longer one kept already is dropped ("grow your" in "grow your
    own soil")."""
    seen_in: Counter[str] = Counter()
    for text in texts:
        words = words_of(text)
        grams = {
            " ".join(words[i : i + n])
            for n in (2, 3, 4)
            for i in range(len(words) - n + 1)
            if words[i] not in _STOPWORDS and words[i + n - 1] not in _STOPWORDS
        }
        seen_in.update(grams)
    recurring = [(phrase, count) for phrase, count in seen_in.items() if count > 1]
    ranked = sorted(recurring, key=lambda item: (-item[1], -len(item[0].split()), item[0]))
    kept: list[str] = []
    for phrase, _count in ranked:
        if not any(f" {phrase} " in f" {longer} " for longer in kept):
            kept.append(phrase)
    return kept[:limit]


def formality_label(score: float) -> str:
    return "formal" if score >= 0.65 else "casual" if score < 0.4 else "neutral"
