"""llama.cpp sampler settings the product sends with prose calls to the bundled model.

The 0.5B model falls into generation loops (one sentence twenty times) at the writers'
temperature; llama.cpp's DRY sampler ("don't repeat yourself") penalises extending a sequence
that already occurred in the text, more the longer the repeat, and leaves short repeats alone.
``benchmarks.loops`` measured it against no penalty and against the classic repetition penalty
on the evaluation's twelve topics (docs/llm.md)."""

from __future__ import annotations

from typing import Any

DRY_BASE = 1.75
DRY_ALLOWED_LENGTH = 2
DRY_PENALTY_LAST_N = 1024
# llama.cpp's default breakers plus "[": a repeated citation ("[1]") must not be penalised.
DRY_SEQUENCE_BREAKERS = ("\n", ":", '"', "*", "[")


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
