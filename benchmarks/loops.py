"""Generation loops of the bundled model's writers, with and without llama.cpp's anti-repetition
samplers, side by side.

    .venv/bin/python -m benchmarks.loops [--samples 1] [--configs base,dry,repeat]

Every evaluation topic (English and Korean) is written as the product's writers write it: the
writer role's system prompt and instructions, the prose brief with the topic's key facts as the
research (each citing a source number), the length cap the graph gives a writer, temperature
0.7. Each configuration gets the same prompts and seeds, one call at a time, on one server:

- ``base``    llama.cpp's defaults (no penalty): what the product sends today;
- ``dry``     the DRY sampler ("don't repeat yourself": penalises extending a sequence that
              already occurred) as the product sends it (``icop.llm.local.sampling``,
              multiplier 0.8, ``[`` among its sequence breakers so a repeated citation is not
              penalised, and not for a Korean, Japanese or Chinese prompt);
- ``repeat``  the classic repetition penalty (1.1 over the last 256 tokens).

Per configuration: *loops* (share of drafts the publishability gate calls a generation loop:
over a fifth of sentences repeated, or under 0.6 distinct trigrams), *off_script* (share not
enough in the topic language's script for the gate: a sampler can trade a loop for mangled
words in another script), *distinct3* (mean distinct
trigram ratio), *cited* (share of drafts with at least one ``[n]``), *tok_s* (completion tokens
over wall time). Ratios against ``base`` are what to read; the machine's load moves absolute
speeds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.quality import find_model_file
from icop.agents import prompts
from icop.agents.gate.content import MAX_REPEATED_SHARE, MIN_DISTINCT_TRIGRAMS, MIN_SCRIPT_SHARE
from icop.agents.gate.text import (
    distinct_ngram_ratio,
    is_dense,
    repeated_sentences,
    script_share,
    sentences,
)
from icop.agents.nodes import TOKENS_PER_WORD
from icop.agents.roles import default_roles
from icop.agents.schemas import CitedSource, Claim, ResearchDigest, WriterInput
from icop.config import get_settings
from icop.evaluation.dataset import load_topics
from icop.llm.local import LocalLLMClient, LocalServer, ServerConfig
from icop.llm.local.client import ChatMessage
from icop.llm.local.sampling import anti_loop, for_prompt

CONFIGS: dict[str, dict[str, Any]] = {
    "base": {},
    "dry": anti_loop(0.8),
    "repeat": {"repeat_penalty": 1.1, "repeat_last_n": 256},
}


@dataclass
class Tally:
    loops: int = 0
    off_script: int = 0
    cited: int = 0
    drafts: int = 0
    distinct: list[float] = field(default_factory=list)
    speeds: list[float] = field(default_factory=list)


def writer_messages(topic: Any) -> list[ChatMessage]:
    spec = default_roles()["writer_a"]
    sources = [
        CitedSource(number=index, title=document.title, url=f"https://example.org/{index}")
        for index, document in enumerate(topic.documents, start=1)
    ] or [CitedSource(number=1, title=topic.topic, url="https://example.org/1")]
    claims = [
        Claim(text=fact, sources=[index % len(sources) + 1])
        for index, fact in enumerate(topic.key_facts)
    ]
    brief = prompts.writer_brief(
        WriterInput(
            topic=topic.topic,
            language=topic.language,
            outline=[],
            research=ResearchDigest(summary="", claims=claims, sources=sources),
            brand_voice=[],
            length_words=topic.length_words,
            audience=topic.audience,
        )
    )
    system = f"{prompts.system_prompt(spec)}\n\n{prompts.instructions(spec)}"
    return [{"role": "system", "content": system}, {"role": "user", "content": brief}]


def is_loop(text: str, language: str) -> bool:
    total = max(1, len(sentences(text)))
    repeated = len(repeated_sentences(text))
    distinct = distinct_ngram_ratio(text, 3, language)
    return repeated / total > MAX_REPEATED_SHARE or distinct < MIN_DISTINCT_TRIGRAMS


async def run(server: LocalServer, configs: list[str], samples: int) -> dict[str, Tally]:
    tallies = {name: Tally() for name in configs}
    topics = load_topics()
    async with LocalLLMClient(server) as client:
        await client.chat([{"role": "user", "content": "Hi"}], max_tokens=4)
        for topic in topics:
            messages = writer_messages(topic)
            cap = int(topic.length_words * TOKENS_PER_WORD) + 150
            for sample in range(samples):
                for name in configs:
                    started = time.perf_counter()
                    result = await client.chat(
                        messages,
                        max_tokens=cap,
                        temperature=0.7,
                        seed=sample,
                        sampling=(
                            for_prompt(CONFIGS[name], messages[-1]["content"])
                            if name == "dry"
                            else CONFIGS[name]
                        ),
                    )
                    elapsed = time.perf_counter() - started
                    text = result.text
                    tally = tallies[name]
                    tally.drafts += 1
                    tally.loops += is_loop(text, topic.language)
                    needed = MIN_SCRIPT_SHARE["dense" if is_dense(topic.language) else "alphabetic"]
                    tally.off_script += script_share(text, topic.language) < needed
                    tally.cited += "[" in text and any(ch.isdigit() for ch in text)
                    tally.distinct.append(distinct_ngram_ratio(text, 3, topic.language))
                    tally.speeds.append(result.usage.completion_tokens / elapsed)
                    print(
                        f"{topic.id} {name}: loop={is_loop(text, topic.language)} "
                        f"distinct3={tally.distinct[-1]:.2f} "
                        f"tokens={result.usage.completion_tokens} {elapsed:.1f}s",
                        flush=True,
                    )
    return tallies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--samples", type=int, default=1)
    parser.add_argument("--configs", default=",".join(CONFIGS))
    args = parser.parse_args()
    configs = [name for name in args.configs.split(",") if name in CONFIGS]
    model = find_model_file(get_settings().llm_local_model)
    if model is None:
        raise SystemExit("the bundled model is not assembled: run `icop llm pull` first")
    scratch = Path(tempfile.mkdtemp(prefix="icop-loops-bench-"))
    server = LocalServer(
        ServerConfig(home=scratch, model=model, port=0, ctx_per_slot=4096, allow_fetch=False)
    )
    try:
        server.start()
        tallies = asyncio.run(run(server, configs, args.samples))
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    fields = [f"cores={os.cpu_count()}", f"drafts={tallies[configs[0]].drafts}"]
    base = tallies.get("base")
    for name, tally in tallies.items():
        fields.append(f"{name}_loops={tally.loops / max(1, tally.drafts):.3f}")
        fields.append(f"{name}_off_script={tally.off_script / max(1, tally.drafts):.3f}")
        fields.append(f"{name}_distinct3={statistics.mean(tally.distinct):.3f}")
        fields.append(f"{name}_cited={tally.cited / max(1, tally.drafts):.3f}")
        if base is not None and name != "base":
            ratio = statistics.median(tally.speeds) / statistics.median(base.speeds)
            fields.append(f"{name}_tok_s_vs_base={ratio:.2f}")
    print(f"load_avg_1m={os.getloadavg()[0]:.2f}")
    print("RESULT " + " ".join(fields))


if __name__ == "__main__":
    main()
