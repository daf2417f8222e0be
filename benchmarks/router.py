"""Router benchmark: the same prompts through the raw local llama.cpp server and through the
SmartRouter (policy, context preparation, throttle, retries, circuit breaker), interleaved in
one run; then three concurrent routed requests against one at a time.

    .venv/bin/python -m benchmarks.router [--tokens 96] [--rounds 3]

Last line: RESULT router_tokens_per_s=… raw_tokens_per_s=… router_vs_raw=…
concurrent3_vs_single_throughput=…
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

from icop.config import Settings
from icop.llm.local.client import LocalLLMClient
from icop.llm.policy import Candidate, PolicyDefaults, RoutingPolicy
from icop.llm.providers.local import LocalProvider
from icop.llm.registry import local_llm_server
from icop.llm.smart_router import SmartRouter
from icop.llm.tasks import TaskKind
from icop.llm.throttle import Throttle

SYSTEM = "You are a helpful, concise assistant."
PROMPTS = [
    "Explain in two short paragraphs how home composting works.",
    "List five practical tips for a small balcony vegetable garden.",
    "Write a short product description for a reusable water bottle.",
    "Summarise why regular backups matter for a small business.",
    "Describe a morning routine that helps with focus, in a few sentences.",
    "Give three ideas for a weekend trip near a big city, briefly.",
]


async def main(tokens: int, rounds: int) -> None:
    settings = Settings()
    server = local_llm_server(settings)
    started = time.perf_counter()
    state = await asyncio.to_thread(server.start)
    print(
        f"local server {state.model} ready in {time.perf_counter() - started:.1f}s "
        f"({state.parallel} slots)"
    )
    raw = LocalLLMClient(state.base_url)
    provider = LocalProvider(server)
    policy = RoutingPolicy(
        defaults=PolicyDefaults(max_attempts=1, temperature=0.0),
        tasks={t: [Candidate(provider="local", model="default")] for t in TaskKind},
    )
    router = SmartRouter(
        {"local": provider},
        policy,
        Throttle(global_rate_per_minute=100_000, provider_concurrency={}),
    )

    async def via_raw(prompt: str) -> tuple[int, float]:
        begin = time.perf_counter()
        result = await raw.chat(
            [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": f"## prompt\n{prompt}"},
            ],
            max_tokens=tokens,
            temperature=0.0,
            seed=7,
        )
        return result.usage.completion_tokens, time.perf_counter() - begin

    async def via_router(prompt: str) -> tuple[int, float]:
        begin = time.perf_counter()
        call = await router.complete(
            TaskKind.CHAT, system=SYSTEM, inputs={"prompt": prompt}, max_tokens=tokens, seed=7
        )
        return call.completion_tokens, time.perf_counter() - begin

    try:
        await via_raw("warm up")  # load weights into the page cache, fill the prompt cache
        raw_tokens = raw_time = routed_tokens = routed_time = 0.0
        for round_index in range(rounds):
            for index, prompt in enumerate(PROMPTS):
                # Alternate the order so neither side always runs on a warmer cache.
                first, second = (
                    (via_raw, via_router) if (index + round_index) % 2 else (via_router, via_raw)
                )
                for runner in (first, second):
                    produced, spent = await runner(prompt)
                    if runner is via_raw:
                        raw_tokens, raw_time = raw_tokens + produced, raw_time + spent
                    else:
                        routed_tokens, routed_time = routed_tokens + produced, routed_time + spent
        raw_tps = raw_tokens / raw_time
        routed_tps = routed_tokens / routed_time

        batch = PROMPTS[:3]
        begin = time.perf_counter()
        single = [await via_router(prompt) for prompt in batch]
        single_tps = sum(t for t, _ in single) / (time.perf_counter() - begin)
        begin = time.perf_counter()
        together = await asyncio.gather(*(via_router(prompt) for prompt in batch))
        concurrent_tps = sum(t for t, _ in together) / (time.perf_counter() - begin)
    finally:
        await raw.aclose()
        await router.aclose()
        server.close()  # stops it only if this run started it
    print(
        f"raw: {raw_tokens:.0f} tokens in {raw_time:.1f}s; router: {routed_tokens:.0f} tokens "
        f"in {routed_time:.1f}s; 3 sequential {single_tps:.1f} tok/s, 3 concurrent "
        f"{concurrent_tps:.1f} tok/s"
    )
    print(
        f"RESULT router_tokens_per_s={routed_tps:.2f} raw_tokens_per_s={raw_tps:.2f} "
        f"router_vs_raw={routed_tps / raw_tps:.3f} "
        f"concurrent3_vs_single_throughput={concurrent_tps / single_tps:.3f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="SmartRouter vs raw local server")
    parser.add_argument("--tokens", type=int, default=96)
    parser.add_argument("--rounds", type=int, default=2)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.tokens, arguments.rounds))
    os._exit(0)
