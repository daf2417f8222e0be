"""Duplicate and near-duplicate removal.

Exact: the SHA-256 of the normalised text (case, punctuation, spacing ignored).
Near, by words: a 64-bit SimHash over the words; two texts are near duplicates when their
hashes differ in at most ``MAX_HAMMING`` bits. The index splits the hash into
``MAX_HAMMING + 1`` bands: two hashes within that distance agree exactly on at least one band
(pigeonhole), so candidates come from band lookups, not from comparing every pair. Word
shingles were measured worse for short items (a two-word suffix moved a 15-word headline by
10 bits); single words moved it by 5, an unrelated headline sits at ~35. The SimHash catches
reworded copies of long texts; ``embedding_near_duplicates`` (cosine of the MiniLM vectors,
after the embed step) catches the short ones.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from typing import Any

import numpy as np

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
MAX_HAMMING = 3
_BANDS = MAX_HAMMING + 1
_BAND_BITS = 64 // _BANDS
_MASK64 = (1 << 64) - 1


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(tokens(text)).encode()).hexdigest()


def _feature_hash(feature: str) -> int:
    return int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")


def simhash(text: str, shingle: int = 1) -> int:
    """An unsigned 64-bit SimHash of the text's words (``shingle`` words at a time).
    The bit votes are counted with numpy: a Python loop over 64 bits per shingle made the
    benchmark's 10,000 items cost seconds."""
    words = tokens(text)
    if len(words) >= shingle:
        features = [" ".join(words[i : i + shingle]) for i in range(len(words) - shingle + 1)]
    else:
        features = words
    if not features:
        return 0
    hashes = np.array([_feature_hash(feature) for feature in features], dtype=">u8")
    # Big-endian bytes, unpacked most significant bit first: column 0 is bit 63.
    bits = np.unpackbits(hashes.view(np.uint8).reshape(-1, 8), axis=1)
    votes = (bits.astype(np.int32) * 2 - 1).sum(axis=0)
    result = 0
    for position, vote in enumerate(votes.tolist()):
        if vote > 0:
            result |= 1 << (63 - position)
    return result


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & _MASK64).bit_count()


def to_signed(value: int) -> int:
    """For a BIGINT column (signed 64-bit)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    return value & _MASK64


class NearDuplicateIndex:
    """Seen texts by exact hash and SimHash bands."""

    def __init__(self) -> None:
        self._exact: set[str] = set()
        self._bands: list[dict[int, list[int]]] = [defaultdict(list) for _ in range(_BANDS)]

    def _band_keys(self, value: int) -> list[int]:
        mask = (1 << _BAND_BITS) - 1
        return [(value >> (band * _BAND_BITS)) & mask for band in range(_BANDS)]

    def add(self, exact: str, value: int) -> None:
        self._exact.add(exact)
        for band, key in enumerate(self._band_keys(value)):
            self._bands[band][key].append(value)

    def is_exact(self, exact: str) -> bool:
        return exact in self._exact

    def is_near(self, value: int) -> bool:
        for band, key in enumerate(self._band_keys(value)):
            for other in self._bands[band].get(key, ()):
                if hamming(value, other) <= MAX_HAMMING:
                    return True
        return False


NEAR_DUPLICATE_COSINE = 0.93
"""MiniLM cosine at or above which two items say the same thing (a syndicated copy with a
different suffix scored 0.95 to 0.99 in the benchmark's seeds; distinct items of one theme
0.5 to 0.85)."""


def embedding_near_duplicates(
    vectors: np.ndarray[Any, Any], *, threshold: float = NEAR_DUPLICATE_COSINE, block: int = 1024
) -> list[int]:
    """Indices of rows that repeat an earlier kept row (unit vectors, cosine ≥ threshold),
    greedily in order: the first of a group stays. Blockwise, so 10,000 rows never make a
    10,000 by 10,000 matrix at once."""
    count = len(vectors)
    kept = np.zeros(count, dtype=bool)
    dropped: list[int] = []
    for start in range(0, count, block):
        stop = min(count, start + block)
        similar = vectors[start:stop] @ vectors[:stop].T >= threshold
        for row in range(start, stop):
            earlier = similar[row - start, :row]
            if np.any(earlier & kept[:row]):
                dropped.append(row)
            else:
                kept[row] = True
    return dropped
