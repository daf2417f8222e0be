"""Is a candidate angle, or a sub-topic's label, about the topic? Checked before clustering
(off-topic angles are dropped) and after labelling (an off-topic label is replaced).

Two judges, chosen by measurement on a hand-labelled set of on- and off-topic angles for
English and Korean topics (benchmarks/data/subtopic_relevance.json; the figures are in
docs/subtopics.md and come from benchmarks/subtopic_relevance.py):

- English topic and English text: MiniLM's cosine similarity to the topic. MiniLM is the best
  judge there (ROC AUC 0.90 against 0.75-0.86 for the multilingual model), and it is the
  default embedder anyway.
- everything else (Korean, any other language, or a topic and an angle in two languages):
  multilingual-e5-small, *contrasted*: the angle's similarity to the topic minus its
  similarity to the nearest of a fixed set of generic titles (background). E5's raw
  similarities are compressed (0.75-0.95 for nearly everything) and a topic's offset varies,
  so no one threshold on them works (AUC 0.72); what tells an off-topic angle is that some
  unrelated subject is nearer to it than its topic is (AUC 0.81). The two background titles
  nearest to the topic are left out, so that a topic that is itself a background subject
  ("baking sourdough bread") is not contrasted with itself.

An angle in another script than its topic (a Korean topic, the model answering in English) is
held to the same bar, not a lower one, although its scores sit lower: the small multilingual
model does not know enough words across languages (퇴비 is nearer to 집 "home", 0.84, than to
"compost", 0.79), so home-decor angles scored like composting ones for 집에서 하는 퇴비 만들기
with the bundled model (benchmarks/subtopic_relevance.py). Such angles are mostly dropped, and
a row whose angles are all in the other script is refused rather than trusted.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from icop.embeddings.base import Embedder
from icop.planning.subtopics.background import BACKGROUND_TITLES

ENGLISH_THRESHOLD = 0.33
"""MiniLM cosine similarity to the topic at or above which an English angle is on topic: the
threshold with the best F0.5 (precision weighted over recall) on the labelled set's English
pairs; 0.12-0.29 for "Homemade Chocolate Cake Recipe" and friends, 0.5-0.75 for most real
angles, a few true ones lower (0.1-0.3: "Choosing a burr grinder" for "brewing coffee at home"),
which the clustering then misses."""
CONTRAST_THRESHOLD = 0.005
"""E5 similarity to the topic minus similarity to the nearest background title, at or above
which an angle in the topic's own script is on topic (best F0.5 on the labelled set's Korean
pairs; precision 0.83, recall 0.81 there)."""
CROSS_SCRIPT_THRESHOLD = CONTRAST_THRESHOLD
"""The same for an angle in another script than its topic. The labelled set's cross-language
pairs alone would put it at -0.032 (precision 1.0, recall 0.56 there), but the bundled model's
home-decor angles for 집에서 하는 퇴비 만들기 scored -0.031 to 0.000 while real composting angles
scored -0.031 to -0.011: no threshold below this one separates them (see the module doc)."""
SKIPPED_BACKGROUND = 2

Method = Literal["minilm", "e5-contrast", "e5-contrast-cross-script"]


@dataclass(frozen=True, slots=True)
class Verdict:
    text: str
    score: float
    on_topic: bool
    method: Method


def is_english(language: str) -> bool:
    return language.casefold().replace("_", "-").split("-")[0] in {"en", "english"}


def script(text: str) -> str:
    """The script most of the text's letters are in: ``hangul``, ``han`` (with kana),
    ``latin``, or the Unicode name's first word (``cyrillic``, ``arabic`` …); ``none``."""
    counts: dict[str, int] = {}
    for char in text:
        if not unicodedata.category(char).startswith("L"):
            continue
        code = ord(char)
        if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            name = "hangul"
        elif 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or code >= 0x20000:
            name = "han"
        elif code < 0x250 or 0x1E00 <= code <= 0x1EFF:
            name = "latin"
        else:
            name = unicodedata.name(char, "other").split()[0].casefold()
        counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda key: counts[key]) if counts else "none"


def is_latin(text: str) -> bool:
    """Every letter is a Latin letter (ASCII, Latin-1, Latin Extended A/B or Additional)."""
    return all(
        ord(char) < 0x250 or 0x1E00 <= ord(char) <= 0x1EFF
        for char in text
        if unicodedata.category(char).startswith("L")
    )


class TopicRelevance:
    """Judges texts against a topic; see the module doc for the two methods.

    ``english`` is MiniLM (or None, where the installation has no MiniLM: then the
    multilingual judge takes every text). The background's vectors are computed once."""

    def __init__(
        self,
        multilingual: Embedder,
        english: Embedder | None = None,
        *,
        english_threshold: float = ENGLISH_THRESHOLD,
        contrast_threshold: float = CONTRAST_THRESHOLD,
        cross_script_threshold: float = CROSS_SCRIPT_THRESHOLD,
    ) -> None:
        self.multilingual = multilingual
        self.english = english
        self.english_threshold = english_threshold
        self.contrast_threshold = contrast_threshold
        self.cross_script_threshold = cross_script_threshold
        self._background: np.ndarray[Any, Any] | None = None

    async def judge(self, topic: str, texts: Sequence[str], *, language: str) -> list[Verdict]:
        by_minilm = [
            self.english is not None and is_english(language) and is_latin(topic) and is_latin(t)
            for t in texts
        ]
        verdicts: list[Verdict | None] = [None] * len(texts)
        english = [i for i, flag in enumerate(by_minilm) if flag]
        others = [i for i, flag in enumerate(by_minilm) if not flag]
        if english and self.english is not None:
            vectors = await _unit(self.english, [topic, *(texts[i] for i in english)])
            for i, score in zip(english, vectors[1:] @ vectors[0], strict=True):
                value = round(float(score), 4)
                on_topic = value >= self.english_threshold
                verdicts[i] = Verdict(texts[i], value, on_topic, "minilm")
        if others:
            scores = await self._contrast(topic, [texts[i] for i in others])
            topic_script = script(topic)
            for i, value in zip(others, scores, strict=True):
                if script(texts[i]) == topic_script:
                    on_topic = value >= self.contrast_threshold
                    verdicts[i] = Verdict(texts[i], value, on_topic, "e5-contrast")
                else:
                    on_topic = value >= self.cross_script_threshold
                    verdicts[i] = Verdict(texts[i], value, on_topic, "e5-contrast-cross-script")
        return [verdict for verdict in verdicts if verdict is not None]

    async def _contrast(self, topic: str, texts: list[str]) -> list[float]:
        background = await self._background_vectors()
        vectors = await _unit(self.multilingual, [topic, *texts])
        topic_vector, text_vectors = vectors[0], vectors[1:]
        nearest_to_topic = np.argsort(-(background @ topic_vector), kind="stable")
        kept = background[np.sort(nearest_to_topic[SKIPPED_BACKGROUND:])]
        closest_generic = (text_vectors @ kept.T).max(axis=1)
        scores = text_vectors @ topic_vector - closest_generic
        return [round(float(score), 4) for score in scores]

    async def _background_vectors(self) -> np.ndarray[Any, Any]:
        # Two first calls at once both embed it: harmless, and no lock bound to one loop.
        if self._background is None:
            self._background = await _unit(self.multilingual, list(BACKGROUND_TITLES))
        return self._background


async def _unit(embedder: Embedder, texts: list[str]) -> np.ndarray[Any, Any]:
    vectors = np.asarray(await embedder.embed(texts), dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: np.ndarray[Any, Any] = np.divide(
        vectors, norms, out=np.zeros_like(vectors), where=norms > 0
    )
    return unit
