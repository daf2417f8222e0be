"""The bundled default model, really generating: short, deterministic-enough prompts."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from icop.llm.local import ContextLengthExceeded, LocalLLMClient, LocalServer

pytestmark = pytest.mark.slow

# Bounded on purpose: small models loop on open-ended JSON until max_tokens.
ARTICLE_META = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "minLength": 5, "maxLength": 80},
        "keywords": {
            "type": "array",
            "items": {"type": "string", "minLength": 2, "maxLength": 24},
            "minItems": 2,
            "maxItems": 4,
        },
        "reading_minutes": {"type": "integer", "minimum": 1, "maximum": 30},
    },
    "required": ["title", "keywords", "reading_minutes"],
    "additionalProperties": False,
}


async def test_short_answer(llm: LocalLLMClient) -> None:
    result = await llm.chat(
        [
            {"role": "system", "content": "Answer with one word."},
            {"role": "user", "content": "What is the capital of France?"},
        ],
        max_tokens=8,
        temperature=0.0,
        seed=1,
    )
    assert "paris" in result.text.lower()
    assert result.finish_reason == "stop"
    assert 0 < result.usage.completion_tokens <= 8
    assert result.usage.prompt_tokens > 10
    assert result.timing.generation_ms is not None


async def test_structured_answer_for_a_bounded_schema(llm: LocalLLMClient) -> None:
    structured = await llm.chat_json(
        [
            {"role": "system", "content": "You write metadata for blog articles as JSON."},
            {"role": "user", "content": "An article about composting kitchen scraps at home."},
        ],
        ARTICLE_META,
        max_tokens=160,
        seed=3,
    )
    data = structured.data
    assert set(data) == {"title", "keywords", "reading_minutes"}
    assert 5 <= len(data["title"]) <= 80
    assert 2 <= len(data["keywords"]) <= 4
    assert all(isinstance(k, str) and 2 <= len(k) <= 24 for k in data["keywords"])
    assert 1 <= data["reading_minutes"] <= 30


async def test_three_requests_decode_at_the_same_time(
    llm: LocalLLMClient, session_server: LocalServer
) -> None:
    base_url, _ = await session_server.endpoint()
    busy_samples: list[int] = []
    done = asyncio.Event()

    async def watch_slots() -> None:
        async with httpx.AsyncClient(timeout=5) as http:
            while not done.is_set():
                slots = (await http.get(f"{base_url}/slots")).json()
                busy_samples.append(sum(1 for slot in slots if slot["is_processing"]))
                await asyncio.sleep(0.05)

    prompts = ["tea", "coffee", "cocoa"]
    watcher = asyncio.create_task(watch_slots())
    started = time.perf_counter()
    results = await asyncio.gather(
        *[
            llm.chat(
                [{"role": "user", "content": f"Write a long, detailed paragraph about {topic}."}],
                max_tokens=40,
                temperature=0.7,
                seed=index,
            )
            for index, topic in enumerate(prompts)
        ]
    )
    wall = time.perf_counter() - started
    done.set()
    await watcher

    # The server's own view: all three slots were decoding at one moment.
    assert max(busy_samples) == 3
    assert all(result.usage.completion_tokens > 0 for result in results)
    # The server spent more time on the three than passed on the clock: they overlapped. Queued
    # one after another, the sum would be at most the wall time. (Per-request durations alone
    # prove nothing: a request may stop early at end-of-sequence.)
    server_seconds = sum(
        ((result.timing.prompt_ms or 0.0) + (result.timing.generation_ms or 0.0)) / 1000
        for result in results
    )
    assert server_seconds > 1.3 * wall, (server_seconds, wall)


async def test_token_count_props_and_context_limit(llm: LocalLLMClient) -> None:
    count = await llm.count_tokens("The quick brown fox jumps over the lazy dog.")
    assert count.exact
    assert 8 <= count.tokens <= 12
    info = await llm.server_info()
    assert (info.slots, info.ctx_per_slot) == (3, 2048)
    with pytest.raises(ContextLengthExceeded):
        await llm.chat([{"role": "user", "content": "word " * 2500}], max_tokens=4)
