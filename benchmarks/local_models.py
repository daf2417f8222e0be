"""Local model configurations side by side: decoding speed of every catalog model the product can
ship, alone and with llama.cpp's speculative decoding, on the kinds of call an article makes.

    .venv/bin/python -m benchmarks.local_models [--tokens 192] [--runs 2] [--configs A,B]

Configurations (``--configs``; those whose model is not assembled are skipped and said so):

- ``0.5b``           the bundled default alone;
- ``0.5b+ngram``     the same with prompt-lookup drafting (no second model);
- ``1.5b``           the catalog's quality model alone;
- ``1.5b+0.5b``      the 1.5B verified, the 0.5B drafting (same Qwen2.5 tokenizer);
- ``1.5b+ngram``     the 1.5B with prompt-lookup drafting.

Two prompts per configuration, one stream at a time then three at once (the three writers):
*write* (a 400-word essay from a brief: nothing to copy) and *edit* (rewrite a given paragraph
with small changes: what the editor and the merger do, where prompt lookup can help), and
*edit_json* (the same, answered as the editor answers: grammar-bound JSON). Speeds are
completion tokens over the wall time the caller sees. Every configuration runs in this one
process on the same machine state, so the ratios against ``0.5b`` are what to read; absolute
figures move with the machine's load (printed). Model quality is not measured here: that is
``benchmarks.quality`` (docs/quality.md); ADR 0017 combines the two.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.quality import find_model_file
from icop.llm.local import LocalLLMClient, LocalServer, ServerConfig
from icop.llm.local.client import ChatMessage
from icop.llm.local.server import NGRAM

SMALL = "qwen2.5-coder-0.5b-instruct"
LARGE = "qwen2.5-coder-1.5b-instruct"


@dataclass(frozen=True)
class Configuration:
    name: str
    model: str
    speculative: str | None = None  # NGRAM or a draft model's catalog name


CONFIGURATIONS = (
    Configuration("0.5b", SMALL),
    Configuration("0.5b+ngram", SMALL, NGRAM),
    Configuration("1.5b", LARGE),
    Configuration("1.5b+0.5b", LARGE, SMALL),
    Configuration("1.5b+ngram", LARGE, NGRAM),
)

BRIEFS = (
    "how to start composting kitchen scraps at home",
    "growing herbs on a small balcony",
    "habits that help adults sleep better",
)
PARAGRAPH = (
    "Composting turns kitchen scraps and garden waste into a dark, crumbly soil amendment. A "
    "working pile needs a balance of green material, such as vegetable peelings and coffee "
    "grounds, and brown material, such as dry leaves and shredded cardboard. Keep the pile as "
    "damp as a wrung-out sponge and turn it every week or two so that air reaches the middle. "
    "In warm weather a well-managed pile is ready in two to three months; in winter it slows "
    "down but does not stop. Avoid meat, dairy and oily food, which attract pests and smell."
)


def write_prompt(brief: str) -> list[ChatMessage]:
    return [{"role": "user", "content": f"Write a 400-word article for beginners about {brief}."}]


def edit_prompt(brief: str) -> list[ChatMessage]:
    return [
        {
            "role": "user",
            "content": "Edit this paragraph for a blog post about "
            f"{brief}. Keep every fact and most of the wording; fix only what reads badly, and "
            f"answer with the edited paragraph alone.\n\n{PARAGRAPH}",
        }
    ]


PROMPTS = {"write": write_prompt, "edit": edit_prompt}
# The editor's answer in compare mode is JSON with the polished text inside (grammar-bound):
# the same copy as *edit*, with newlines escaped and the grammar checking every token.
POLISHED = {
    "type": "object",
    "properties": {"polished_text": {"type": "string", "maxLength": 2400}},
    "required": ["polished_text"],
}


async def speeds(server: LocalServer, tokens: int, runs: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    async with LocalLLMClient(server) as client:
        await client.chat(write_prompt("warm-up"), max_tokens=8)
        for kind, prompt in PROMPTS.items():
            single: list[float] = []
            drafted = accepted = 0
            for run in range(runs):
                started = time.perf_counter()
                result = await client.chat(
                    prompt(BRIEFS[run % 3]), max_tokens=tokens, seed=run, temperature=0.0
                )
                single.append(result.usage.completion_tokens / (time.perf_counter() - started))
                drafted += result.timing.drafted
                accepted += result.timing.draft_accepted
            started = time.perf_counter()
            results = await asyncio.gather(
                *[
                    client.chat(prompt(brief), max_tokens=tokens, seed=index, temperature=0.0)
                    for index, brief in enumerate(BRIEFS)
                ]
            )
            together = sum(result.usage.completion_tokens for result in results)
            figures[f"{kind}_tok_s"] = statistics.median(single)
            figures[f"{kind}3_tok_s"] = together / (time.perf_counter() - started)
            if drafted:
                figures[f"{kind}_draft_accepted"] = accepted / drafted
        json_speeds: list[float] = []
        for run in range(runs):
            started = time.perf_counter()
            answer = await client.chat_json(
                edit_prompt(BRIEFS[run % 3]), POLISHED, max_tokens=tokens * 4, temperature=0.0
            )
            tokens_out = answer.result.usage.completion_tokens
            json_speeds.append(tokens_out / (time.perf_counter() - started))
        figures["edit_json_tok_s"] = statistics.median(json_speeds)
    return figures


def measure(configuration: Configuration, tokens: int, runs: int) -> dict[str, float] | None:
    model = find_model_file(configuration.model)
    draft = configuration.speculative
    if draft not in (None, NGRAM):
        draft = find_model_file(draft)
    if model is None or (draft is None and configuration.speculative not in (None, NGRAM)):
        print(f"{configuration.name}: skipped (run `icop llm pull` for its models first)")
        return None
    scratch = Path(tempfile.mkdtemp(prefix="icop-models-bench-"))
    try:
        server = LocalServer(
            ServerConfig(
                home=scratch,
                model=model,
                port=0,
                ctx_per_slot=4096,
                speculative=draft,
                allow_fetch=False,
            )
        )
        started = time.perf_counter()
        server.start()
        start_s = time.perf_counter() - started
        try:
            figures = asyncio.run(speeds(server, tokens, runs))
        finally:
            server.stop()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    figures["start_s"] = start_s
    print(
        f"{configuration.name}: "
        + " ".join(f"{key}={value:.1f}" for key, value in figures.items())
        + f" load_avg_1m={os.getloadavg()[0]:.2f}",
        flush=True,
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=192)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--configs", help="comma-separated names (default: all)")
    args = parser.parse_args()
    chosen = set(args.configs.split(",")) if args.configs else None
    results: dict[str, dict[str, float]] = {}
    for configuration in CONFIGURATIONS:
        if chosen is None or configuration.name in chosen:
            figures = measure(configuration, args.tokens, args.runs)
            if figures is not None:
                results[configuration.name] = figures
    fields: list[str] = [f"cores={os.cpu_count()}"]
    base = results.get("0.5b")
    for name, figures in results.items():
        key = name.replace(".", "").replace("+", "_")
        fields.append(f"{key}_write_tok_s={figures['write_tok_s']:.1f}")
        fields.append(f"{key}_write3_tok_s={figures['write3_tok_s']:.1f}")
        fields.append(f"{key}_edit_tok_s={figures['edit_tok_s']:.1f}")
        fields.append(f"{key}_edit_json_tok_s={figures['edit_json_tok_s']:.1f}")
        if base is not None and name != "0.5b":
            fields.append(f"{key}_write_vs_05b={figures['write_tok_s'] / base['write_tok_s']:.2f}")
            fields.append(f"{key}_edit_vs_05b={figures['edit_tok_s'] / base['edit_tok_s']:.2f}")
            ratio = figures["edit_json_tok_s"] / base["edit_json_tok_s"]
            fields.append(f"{key}_edit_json_vs_05b={ratio:.2f}")
    print("RESULT " + " ".join(fields))


if __name__ == "__main__":
    main()
