"""llama.cpp sampler settings the product sends with prose calls to the bundled model.

The 0.5B model falls into generation loops (one sentence twenty times) at the writers'
temperature; llama.cpp's DRY sampler ("don't repeat yourself") penalises extending a sequence
that already occurred in the text, more the longer the repeat, and leaves short repeats alone.
``benchmarks.loops`` measured it against no penalty and against the classic repetition penalty
on the evaluation's twelve topics (docs/llm.md)."""

from __future__ import annotations

import re
from typing import Any

DRY_BASE = 1.75
DRY_ALLOWED_LENGTH = 2
DRY_PENALTY_LAST_N = 1024
# llama.cpp's default breakers plus "[": a repeated citation ("[1]") must not be penalised.
DRY_SEQUENCE_BREAKERS = ("\n", ":", '"', "*", "[")
DENSE_SHARE = 0.2
"""A prompt whose letters are this much Hangul, kana or Han asks for text in that script."""
_DENSE = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]"
)


def anti_loop(dry_multiplier: float) -> dict[str, Any]:
    """The fields for llama.cpp's ``/v1/chat/completions``; empty when switched off (0)."""
    if dry_multiplier <= 0:
        return {}
    return {
        "dry_multiplier": dry_multiplier,
        "dry_base": DRY_BASE,
        "dry_allowed_length": DRY_ALLOWED_LENGTH,
        "dry_penalty_last_n": DRY_PENALTY_LAST_N,
        "dry_sequence_breakers": list(DRY_SEQUENCE_BREAKERS),
    }


def for_prompt(sampling: dict[str, Any], prompt: str) -> dict[str, Any]:
    """``sampling`` for a prose answer to ``prompt``; none for one in Korean, Japanese or Chinese.
    The tokenizer writes many Hangul syllables as several tokens, so a Korean article repeats
    multi-token sequences in every sentence (its words and particles): under DRY the 0.5B
    mangled them instead ("양봉" became "양coln", "양vol") and drifted into other scripts — the
    evaluation's two Korean articles went to review with 26 % Hangul (docs/llm.md)."""
    letters = [char for char in prompt if char.isalpha()]
    dense = sum(1 for char in letters if _DENSE.match(char))
    if not sampling or (letters and dense / len(letters) >= DENSE_SHARE):
        return {}
    return sampling
