"""Step 1: the model expands a topic into many candidate angles (task ``topics.expand``).

Calls ask for short lists (``EXPAND_BATCH``), each with its own focus and seed, run
concurrently (the router's throttle bounds them), and the answers are de-duplicated on a
normalised form of each phrase. When duplicates leave the pool short, a few more rounds run.
"""

from __future__ import annotations

import asyncio
import math
import re
import unicodedata
from collections.abc import Iterable
from uuid import UUID

from icop.llm.smart_router import SmartRouter
from icop.llm.tasks import TaskKind
from icop.planning.subtopics import prompts
from icop.planning.subtopics.schemas import EXPAND_BATCH, angles_model

_LEADING_MARKER = re.compile(r"^\s*(?:[-*•]+|\(?\d+[.)]|[a-z][.)])\s+", re.IGNORECASE)
_QUOTES = " \"'`\u201c\u201d\u2018\u2019\u00ab\u00bb"
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
# Rounds beyond the first when de-duplication leaves the pool short: each round costs a full
# model call per batch, and a model that repeats itself twice will do so a third time.
_EXTRA_ROUNDS = 2


def clean(phrase: str) -> str:
    """The phrase without list markers, quotes or runs of whitespace."""
    text = _LEADING_MARKER.sub("", " ".join(phrase.split()))
    return text.strip(_QUOTES).strip()


def dedupe_key(phrase: str) -> str:
    """Equal for phrases that differ only in case, accents' composition, punctuation, spacing
    or word order ("Worm bins: how?" and "how worm bins")."""
    text = unicodedata.normalize("NFKC", phrase).casefold()
    words = sorted(word for word in _NOT_WORD.split(text) if word)
    return " ".join(words)


def distinct(phrases: Iterable[str], seen: set[str] | None = None) -> list[str]:
    """Cleaned phrases in first-seen order, near-exact repeats dropped; ``seen`` carries the
    keys across calls."""
    keys = seen if seen is not None else set()
    kept: list[str] = []
    for phrase in phrases:
        text = clean(phrase)
        key = dedupe_key(text)
        if len(text) < 3 or not key or key in keys:
            continue
        keys.add(key)
        kept.append(text)
    return kept


async def expand(
    router: SmartRouter,
    topic: str,
    *,
    candidates: int,
    language: str,
    tenant_id: UUID,
    audience: str | None = None,
    seed: int = 7,
    reference: str | None = None,
) -> list[str]:
    """Up to ``candidates`` distinct angles for ``topic``; fewer when the model runs dry."""
    pool: list[str] = []
    seen: set[str] = set()
    call_index = 0
    for _ in range(1 + _EXTRA_ROUNDS):
        missing = candidates - len(pool)
        if missing <= 0:
            break
        # Even lists rather than full ones and a remainder: they run side by side in the
        # server's slots, so the longest list sets the wall time.
        calls = max(1, math.ceil(missing / EXPAND_BATCH))
        size = math.ceil(missing / calls)
        answers = await asyncio.gather(
            *(
                _ask(
                    router,
                    topic,
                    language,
                    audience,
                    tenant_id,
                    size,
                    call_index + i,
                    seed,
                    reference,
                )
                for i in range(calls)
            )
        )
        call_index += calls
        for answer in answers:
            pool.extend(distinct(answer, seen))
    return pool[:candidates]


async def _ask(
    router: SmartRouter,
    topic: str,
    language: str,
    audience: str | None,
    tenant_id: UUID,
    size: int,
    index: int,
    seed: int,
    reference: str | None,
) -> list[str]:
    inputs: dict[str, object] = {"topic": topic, "language": language, "count": size}
    if audience:
        inputs["audience"] = audience
    call = await router.complete(
        TaskKind.TOPICS_EXPAND,
        system=prompts.EXPAND_SYSTEM,
        inputs=inputs,
        output=angles_model(size),
        tenant_id=tenant_id,
        instructions=prompts.expand_instructions(
            size, prompts.FOCUSES[index % len(prompts.FOCUSES)]
        ),
        seed=seed + index,
        reference=reference,
    )
    return call.value.angles[:size] if call.value is not None else []
