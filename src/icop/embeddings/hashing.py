"""A deterministic embedder with no model: the hashing trick over word n-grams.

It exists for tests and for installations that cannot run torch. It is a real embedding in
the bag-of-words sense — texts that share words and word pairs get similar vectors — but it
knows nothing of synonyms or paraphrase, so it ranks worse than MiniLM on real content.

Stability matters more than speed here: features are hashed with BLAKE2b (Python's ``hash``
is salted per process), so a vector stored by one process matches a query embedded by another,
and the same text gives the same vector on every machine and release.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from hashlib import blake2b

from icop.embeddings.base import EMBEDDING_DIMENSIONS

_WORD = re.compile(r"\w+", re.UNICODE)

# Function words carry no topic; left in, they would make every pair of English texts similar.
_STOP_WORD_LIST = """
a about above after again all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers him his how i if in into is it its itself just me more
most my no nor not now of off on once only or other our ours out over own same she should so
some such than that the their theirs them then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you
your yours
"""
_STOP_WORDS = frozenset(_STOP_WORD_LIST.split())

# Crude suffix stripping so "composting", "composted" and "composts" share a feature. Longest
# suffix first; a stem must keep at least three characters.
_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ed", "ies", "es", "s")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def tokens(text: str) -> list[str]:
    return [_stem(word) for word in _WORD.findall(text.casefold()) if word not in _STOP_WORDS]


class HashingEmbedder:
    """Unit-normalised, signed feature hashing of word unigrams and bigrams."""

    VERSION = 1

    def __init__(self, dimensions: int = EMBEDDING_DIMENSIONS, bigram_weight: float = 0.5) -> None:
        if dimensions < 8:
            raise ValueError("dimensions must be at least 8")
        self._dimensions = dimensions
        self._bigram_weight = bigram_weight

    @property
    def name(self) -> str:
        return f"hashing-v{self.VERSION}-{self._dimensions}"

    @property
    def dimensions(self) -> int:
        return self._dimensions

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        # Pure Python and fast (~20 µs per short text): no thread hop needed.
        return [self.embed_one(text) for text in texts]

    def embed_one(self, text: str) -> list[float]:
        vector = [0.0] * self._dimensions
        for feature, weight in self._features(tokens(text)):
            digest = int.from_bytes(blake2b(feature.encode(), digest_size=8).digest(), "little")
            # The sign bit makes colliding features cancel out on average instead of adding up.
            sign = 1.0 if digest >> 63 else -1.0
            vector[digest % self._dimensions] += sign * weight
        norm = math.sqrt(sum(value * value for value in vector))
        return [value / norm for value in vector] if norm else vector

    def _features(self, words: list[str]) -> Iterable[tuple[str, float]]:
        counts = Counter(f"1:{word}" for word in words)
        bigrams = Counter(f"2:{a} {b}" for a, b in itertools.pairwise(words))
        # Sub-linear term frequency: a word repeated ten times is not ten times the topic.
        for feature, count in counts.items():
            yield feature, 1.0 + math.log(count)
        for feature, count in bigrams.items():
            yield feature, self._bigram_weight * (1.0 + math.log(count))
